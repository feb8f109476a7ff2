// The live dashboard: coverage by form, findings by form, the criteria
// scorecard, open alerts and a feed of what arrives. Figures are loaded
// once, then the event stream keeps them current: alerts are applied from
// the events themselves; a new report marks the figures stale and they are
// reloaded, at most every kRefreshMs, however many reports arrive.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api.js';
import { followEvents } from './live.js';

const kRefreshMs = 2000;
const kFeedLength = 50;
const kAlertsShown = 100;

function Section({ id, title, children }) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Failed({ t, error }) {
  return (
    <p class="error" role="alert">
      {t('loadFailed', { message: error.message })}
    </p>
  );
}

function Coverage({ t, data }) {
  if (!data.forms.length) return <p>{t('noData')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('form')}</th>
          <th scope="col" class="num">{t('stations')}</th>
          <th scope="col" class="num">{t('planned')}</th>
          <th scope="col" class="num">{t('reported')}</th>
          <th scope="col" class="num">{t('reportedShare')}</th>
          <th scope="col" class="num">{t('reports')}</th>
        </tr>
      </thead>
      <tbody>
        {data.forms.map((f) => (
          <tr data-form={f.form}>
            <th scope="row">{f.form}</th>
            <td class="num">{t.number(f.stations)}</td>
            <td class="num">{t.number(f.planned)}</td>
            <td class="num" data-field="reported">{t.number(f.reported)}</td>
            <td class="num">
              <meter min="0" max="1" value={f.planned ? f.reported / f.planned : 0}
                aria-label={`${f.form}: ${t('reportedShare')}`} />{' '}
              {t.percent(f.planned ? f.reported / f.planned : null)}
            </td>
            <td class="num" data-field="reports">{t.number(f.reports)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const byShare = (a, b) => (b.share ?? -1) - (a.share ?? -1);

function Findings({ t, data }) {
  if (!data.forms.length) return <p>{t('noData')}</p>;
  return (
    <>
      <p class="note">{t('findingsNote')}</p>
      <div class="cards">
        {data.forms.map((f) => (
          <article class="card" data-form={f.form}>
            <h3>
              {f.form} · {f.title}
            </h3>
            <p>
              {t('observations')}: <strong>{t.number(f.observations)}</strong>
            </p>
            <table>
              <caption>{t('topProblems')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('question')}</th>
                  <th scope="col" class="num">{t('share')}</th>
                  <th scope="col" class="num">n</th>
                </tr>
              </thead>
              <tbody>
                {[...f.questions].sort(byShare).slice(0, 3).map((q) => (
                  <tr>
                    <th scope="row" class="label">
                      <abbr title={q.label}>{q.question}</abbr> {q.label}
                    </th>
                    <td class="num">{t.percent(q.share)}</td>
                    <td class="num">{t.number(q.n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        ))}
      </div>
    </>
  );
}

function Criteria({ t, data }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('criterion')}</th>
          <th scope="col">{t('worstShare')}</th>
          <th scope="col" class="num">{t('share')}</th>
          <th scope="col" class="num">n</th>
        </tr>
      </thead>
      <tbody>
        {data.criteria.map((c) => {
          const worst = [...c.questions].sort(byShare)[0];
          return (
            <tr>
              <th scope="row">{t(`criterion.${c.criterion}`)}</th>
              <td>{worst ? `${worst.form}/${worst.question} ${worst.label}` : '—'}</td>
              <td class="num">{t.percent(worst?.share)}</td>
              <td class="num">{t.number(worst?.n)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Alerts({ t, alerts }) {
  if (!alerts.length) return <p>{t('noAlerts')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('time')}</th>
          <th scope="col">{t('kind')}</th>
          <th scope="col">{t('station')}</th>
          <th scope="col">{t('question')}</th>
        </tr>
      </thead>
      <tbody>
        {alerts.slice(0, kAlertsShown).map((a) => (
          <tr data-alert={a.id}>
            <td><time datetime={a.created_at}>{t.time(a.created_at)}</time></td>
            <td>{t(`alert.${a.kind}`)}</td>
            <td>{a.station}</td>
            <td>{a.form}/{a.question}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function describe(t, e) {
  const d = e.data || {};
  if (e.type === 'submission') return t('event.submission', { form: d.form, station: d.station });
  if (e.type === 'alert') {
    return t('event.alert', { kind: t(`alert.${d.kind}`), station: d.station, change: d.change });
  }
  if (e.type === 'rule') return t('event.rule', { station: d.station, rules: (d.rules || []).join(', ') });
  return t('event.reset');
}

function Feed({ t, feed }) {
  if (!feed.length) return <p>{t('feedEmpty')}</p>;
  return (
    // Focusable: it scrolls, and keyboard users must be able to scroll it.
    <ol class="feed" tabIndex={0} aria-labelledby="feed-title">
      {feed.map((e) => (
        <li class={`event-${e.type}`} key={e.key}>
          <time datetime={e.at.toISOString()}>{t.time(e.at)}</time> {describe(t, e)}
        </li>
      ))}
    </ol>
  );
}

// Loads what the role may see; figures it may not are left out.
async function loadFigures(session) {
  const may = (p) => session.permissions.includes(p);
  const [coverage, summary, criteria] = await Promise.allSettled([
    api.get('/api/v1/coverage/forms'),
    may('read_findings') ? api.get('/api/v1/findings/summary') : null,
    may('read_findings') ? api.get('/api/v1/criteria') : null,
  ]);
  return { coverage, summary, criteria };
}

// An alert event's data applied to the list of open alerts.
function applyAlert(open, alert) {
  const rest = open.filter((a) => a.id !== alert.id);
  return alert.status === 'open' ? [alert, ...rest] : rest;
}

export function Dashboard({ t, session }) {
  const [figures, setFigures] = useState(null);
  const [alerts, setAlerts] = useState(null);
  const [feed, setFeed] = useState([]);
  const [stream, setStream] = useState('connecting');
  const [updatedAt, setUpdatedAt] = useState(null);
  const stale = useRef(false);
  const loading = useRef(false);
  const readyMarked = useRef(false);
  const feedKey = useRef(0);

  const reloadFigures = async () => {
    if (loading.current) {
      stale.current = true;
      return;
    }
    loading.current = true;
    stale.current = false;
    try {
      setFigures(await loadFigures(session));
      setUpdatedAt(new Date());
    } finally {
      loading.current = false;
    }
  };
  const reloadAlerts = () =>
    api.get(`/api/v1/alerts?status=open&limit=${kAlertsShown}`).then(
      (r) => setAlerts({ list: r.alerts }),
      (error) => setAlerts({ error }),
    );

  useEffect(() => {
    reloadFigures();
    reloadAlerts();
    // Stale figures are reloaded on a fixed beat rather than per event.
    const beat = setInterval(() => {
      if (stale.current) reloadFigures();
    }, kRefreshMs);
    const stop = followEvents({
      onState: (state) => {
        setStream(state);
        // The server refused the stream for good (e.g. the session ended):
        // a request tells why, and a 401 takes the app back to sign-in.
        if (state === 'closed') reloadFigures();
      },
      onBatch: (batch) => {
        const at = new Date();
        const items = batch.map((e) => ({ ...e, at, key: ++feedKey.current }));
        setFeed((f) => [...items.reverse(), ...f].slice(0, kFeedLength));
        if (batch.some((e) => e.type === 'reset')) {
          reloadAlerts();
          stale.current = true;
          return;
        }
        const changed = batch.filter((e) => e.type === 'alert').map((e) => e.data);
        if (changed.length) {
          setAlerts((a) => (a?.list ? { list: changed.reduce(applyAlert, a.list) } : a));
        }
        if (batch.some((e) => e.type === 'submission')) stale.current = true;
      },
    });
    return () => {
      clearInterval(beat);
      stop();
    };
  }, [session]);

  const ready = figures !== null && alerts !== null;
  // The first render with every figure: what the e2e test measures
  // (performance.getEntriesByName('vigil:dashboard-ready')).
  useEffect(() => {
    if (ready && !readyMarked.current) {
      readyMarked.current = true;
      performance.mark('vigil:dashboard-ready');
    }
  }, [ready]);

  const part = (result, Body) => {
    if (!result || result.status === 'fulfilled' && result.value === null) return null;
    if (result.status === 'rejected') return <Failed t={t} error={result.reason} />;
    return <Body t={t} data={result.value} />;
  };

  return (
    <div class="dashboard" data-ready={ready ? 'true' : 'false'}>
      <p class="status">
        <span class={`stream stream-${stream}`}>
          {stream === 'live' ? t('live') : stream === 'connecting' ? t('connecting') : t('offline')}
        </span>
        {updatedAt && <> · {t('updated', { time: t.time(updatedAt) })}</>}
      </p>
      <div class="grid">
        <Section id="coverage" title={t('coverage')}>
          {figures ? part(figures.coverage, Coverage) : <p>…</p>}
        </Section>
        <Section id="alerts" title={t('alerts')}>
          {!alerts ? <p>…</p> : alerts.error ? <Failed t={t} error={alerts.error} /> : <Alerts t={t} alerts={alerts.list} />}
        </Section>
        <Section id="feed" title={t('feed')}>
          <Feed t={t} feed={feed} />
        </Section>
        {session.permissions.includes('read_findings') && (
          <>
            <Section id="findings" title={t('findings')}>
              {figures ? part(figures.summary, Findings) : <p>…</p>}
            </Section>
            <Section id="criteria" title={t('criteria')}>
              {figures ? part(figures.criteria, Criteria) : <p>…</p>}
            </Section>
          </>
        )}
      </div>
    </div>
  );
}
