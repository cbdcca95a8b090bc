// Optional enhancement: show times in the browser's own time zone (the server renders its own; exact UTC stays on hover).
document.querySelectorAll('time.when[datetime]').forEach((el) => {
  const d = new Date(el.getAttribute('datetime'));
  if (!Number.isNaN(d.getTime())) el.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
});
