// Example service scheduler: the system turns idle workspaces off (auto_off) and starts scheduled ones (auto_start).
import type { AuditSink } from '../../recorder/audit-logger.js';
import type { AuditActor } from '../../recorder/declaration.js';
import { POLICIES, type Workspace } from './model.js';
import { diffOf, type ServiceContext } from './context.js';

/** The actor of automatic actions. */
export const SYSTEM_ACTOR: AuditActor = { id: 'system', name: 'system', type: 'system', roles: [] };

/** What one scheduler pass did. */
export interface SchedulerPass {
  turnedOff: string[];
  started: string[];
}

/**
 * One pass at `ctx.clock()`: running workspaces idle longer than their `autoOffIdleMinutes` are turned
 * off; stopped ones whose `autostartHour` is the current UTC hour are started. Each change is recorded
 * with the system actor. A sink failure is reported to `onError` and never stops the pass.
 */
export function runScheduler(ctx: ServiceContext, sink: AuditSink, onError: (error: unknown) => void = () => undefined): SchedulerPass {
  const now = ctx.clock();
  const pass: SchedulerPass = { turnedOff: [], started: [] };
  for (const ws of [...ctx.store.workspaces.values()]) {
    let after: Workspace | undefined;
    let action: 'auto_off' | 'auto_start' | undefined;
    if (ws.state === 'running' && now.getTime() - ws.lastUsedAt.getTime() > ws.autoOffIdleMinutes * 60_000) {
      after = { ...ws, state: 'stopped', updatedAt: now };
      action = 'auto_off';
      pass.turnedOff.push(ws.id);
    } else if (ws.state === 'stopped' && ws.autostartHour === now.getUTCHours()) {
      after = { ...ws, state: 'running', updatedAt: now, lastUsedAt: now };
      action = 'auto_start';
      pass.started.push(ws.id);
    }
    if (!after || !action) continue;
    ctx.store.workspaces.set(ws.id, after);
    try {
      sink.record({
        time: now,
        action,
        actor: SYSTEM_ACTOR,
        resource: { type: 'workspace', id: ws.id, target: ws.name },
        diff: diffOf(ctx, POLICIES.workspace, ws, after),
        details: action === 'auto_off' ? { idleMinutes: Math.round((now.getTime() - ws.lastUsedAt.getTime()) / 60_000) } : { autostartHour: ws.autostartHour },
      });
    } catch (error) {
      onError(error);
    }
  }
  return pass;
}
