// Optional enhancements: times in the browser's own zone unless UTC was chosen (the server renders them otherwise; exact UTC
// stays on hover), and a filter form that sends no empty fields (the server redirects such URLs to their clean form too).
const table = document.querySelector('table.events');
if (table && table.dataset.tz !== 'utc') {
  document.querySelectorAll('time.when[datetime]').forEach((el) => {
    const d = new Date(el.getAttribute('datetime'));
    if (!Number.isNaN(d.getTime())) el.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  });
  const zone = document.getElementById('zone');
  if (zone) zone.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}
document.querySelectorAll('form.filters').forEach((form) => {
  form.addEventListener('submit', () => {
    form.querySelectorAll('input[name], select[name]').forEach((field) => {
      if (field.type !== 'checkbox' && field.value.trim() === '') field.disabled = true;
    });
  });
});
// Back to a page whose fields were disabled on submit: enable them again.
window.addEventListener('pageshow', () => document.querySelectorAll('form.filters [disabled]').forEach((field) => (field.disabled = false)));
// Manage > Tokens: the new token's Copy button (without JavaScript the token is selected and copied by hand).
const newToken = document.getElementById('new-token');
const copyToken = document.getElementById('copy-token');
if (newToken) newToken.addEventListener('focus', () => newToken.select());
if (newToken && copyToken && navigator.clipboard) {
  copyToken.hidden = false;
  copyToken.addEventListener('click', () => {
    navigator.clipboard.writeText(newToken.value).then(
      () => (copyToken.textContent = 'Copied'),
      () => newToken.select(),
    );
  });
}
