// The filter form's controls, one per filter key of the table, showing the page's current values.
import { FILTER_KEYS } from '../query/filter-keys.js';
import { RANGE_PRESETS, paramValues, takesSeveral, type PageParams } from './filter-params.js';

export interface FormChoice {
  value: string;
  label: string;
  /** What the value means (a tooltip), when the table says. */
  meaning?: string;
  selected: boolean;
}

/** One control of the filter form: a list of checkboxes for a closed list, else a text field. */
export interface FormControl {
  /** Id and parameter name: the key's name. */
  name: string;
  label: string;
  choices?: FormChoice[];
  value?: string;
  /** Shown under "More filters". */
  secondary: boolean;
  /** Whether the page's parameters set it. */
  active: boolean;
  placeholder?: string;
  /** Time-range presets, shown just before this control. */
  presets?: { value: string; label: string; selected: boolean }[];
}

const readable = (value: string): string => value.replace(/_/g, ' ');

/** The form's controls in the table's order, with the current values; the time-range presets go before `from`. */
export function filterControls(params: PageParams): FormControl[] {
  return FILTER_KEYS.map((key) => {
    const current = paramValues(params, key);
    const control: FormControl = {
      name: key.name,
      label: 'hint' in key ? `${key.label} (${key.hint})` : key.label,
      secondary: 'secondary' in key && key.secondary === true,
      active: current.length > 0,
    };
    if (takesSeveral(key) && 'values' in key) {
      const meanings: Readonly<Record<string, { meaning: string }>> | undefined = 'meanings' in key ? key.meanings : undefined;
      control.choices = key.values.map((value) => ({
        value,
        label: readable(value),
        ...(meanings?.[value] ? { meaning: meanings[value].meaning } : {}),
        selected: current.includes(value),
      }));
    } else {
      control.value = current[0] ?? '';
      if ('placeholder' in key) control.placeholder = key.placeholder;
    }
    if (key.property === 'from') control.presets = RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label, selected: p.value === params.range }));
    return control;
  });
}
