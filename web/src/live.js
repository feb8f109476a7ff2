// The event stream (GET /api/v1/events, server-sent events) for live views.
// EventSource sends the session cookie and, when it reconnects, the last id
// it saw (Last-Event-ID), so the server resumes where it left off.
//
// Events are not rendered one by one: they are queued and handed to
// `onBatch` at most every `intervalMs`, on an animation frame, so that a
// burst of 50 events a second costs a few renders, not fifty.
export function followEvents({ onBatch, onState, intervalMs = 250 }) {
  let queue = [];
  let timer = null;
  let closed = false;

  const flush = () => {
    timer = null;
    if (closed || queue.length === 0) return;
    const batch = queue;
    queue = [];
    onBatch(batch);
  };
  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => requestAnimationFrame(flush), intervalMs);
  };

  const source = new EventSource('/api/v1/events');
  const take = (type) => (e) => {
    let data = null;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;  // not ours to guess at
    }
    queue.push({ type, id: e.lastEventId, data });
    schedule();
  };
  for (const type of ['submission', 'alert', 'rule', 'reset']) {
    source.addEventListener(type, take(type));
  }
  source.onopen = () => onState('live');
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'offline');
  onState('connecting');

  return () => {
    closed = true;
    if (timer !== null) clearTimeout(timer);
    source.close();
  };
}
