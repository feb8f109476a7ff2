// vigil's web application: sign-in, the navigation each role may use, and
// the pages. Routes are paths (/dashboard, /findings, ...) handled here; the
// server answers any path without a file extension with index.html.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import * as api from './api.js';
import { Dashboard } from './dashboard.jsx';
import { initialLanguage, kLanguages, saveLanguage, translator } from './i18n.js';
import './style.css';

// The pages, in navigation order, each with the permission it needs (the
// names of service/permissions.h, as GET /api/v1/session lists them).
export const kPages = [
  { path: '/dashboard', key: 'dashboard', permission: 'read_statistics' },
  { path: '/findings', key: 'findings', permission: 'read_findings' },
  { path: '/submissions', key: 'submissions', permission: 'review' },
  { path: '/results', key: 'results', permission: 'run_analyses' },
  // There is no permission for administration: it is the admin role's.
  { path: '/admin', key: 'admin', role: 'admin' },
  { path: '/observe', key: 'observe', permission: 'submit' },
];

const allowed = (session, page) =>
  page.role ? session.role === page.role : session.permissions.includes(page.permission);

function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to, replace = false) => {
    if (to === location.pathname) return;
    history[replace ? 'replaceState' : 'pushState'](null, '', to);
    setPath(to);
  };
  return [path, navigate];
}

function LanguagePicker({ t, setLang }) {
  return (
    <label class="language">
      <span>{t('language')}</span>{' '}
      <select value={t.lang} onChange={(e) => setLang(e.currentTarget.value)}>
        {kLanguages.map((l) => (
          <option value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function SignIn({ t, onSignedIn }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api.signIn(name.trim(), password));
    } catch (err) {
      setPassword('');
      if (err.status === 429) setError(t('signInLocked', { s: err.retryAfter || 60 }));
      else if (err.status === 401 || err.status === 422) setError(t('signInFailed'));
      else setError(t('loadFailed', { message: err.message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>{t('signInTitle')}</h1>
      <p>{t('signInIntro')}</p>
      <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
        <label for="signin-name">{t('name')}</label>
        <input id="signin-name" name="username" autocomplete="username" required value={name}
          onInput={(e) => setName(e.currentTarget.value)} />
        <label for="signin-password">{t('password')}</label>
        <input id="signin-password" name="password" type="password" autocomplete="current-password"
          required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </main>
  );
}

function Placeholder({ t, text }) {
  return <p class="notice">{text || t('notBuilt')}</p>;
}

function Shell({ t, setLang, session, path, navigate, onSignOut }) {
  const pages = kPages.filter((p) => allowed(session, p));
  const page = kPages.find((p) => p.path === path);
  // The first page the role may use is its home.
  useEffect(() => {
    if ((path === '/' || path === '/signin') && pages.length) navigate(pages[0].path, true);
  }, [path]);
  const title = page ? t(`page.${page.key}`) : t('notFound');
  useEffect(() => {
    document.title = `${title} · vigil`;
  }, [title]);

  let content;
  if (!page) content = path === '/' ? null : <Placeholder t={t} text={t('notFound')} />;
  else if (!allowed(session, page)) content = <Placeholder t={t} text={t('notPermitted')} />;
  else if (page.key === 'dashboard') content = <Dashboard t={t} session={session} />;
  else content = <Placeholder t={t} />;

  return (
    <>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <nav aria-label={t('mainNav')}>
          <ul>
            {pages.map((p) => (
              <li>
                <a href={p.path} aria-current={p.path === path ? 'page' : undefined}
                  onClick={(e) => {
                    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate(p.path);
                  }}>
                  {t(`page.${p.key}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          <span class="who">{t('signedInAs', { user: session.user || session.actor, role: t(`role.${session.role}`) })}</span>
          <LanguagePicker t={t} setLang={setLang} />
          <button type="button" class="secondary" onClick={onSignOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {content}
      </main>
    </>
  );
}

function App() {
  const [lang, setLangState] = useState(initialLanguage);
  const t = useMemo(() => translator(lang), [lang]);
  const [session, setSession] = useState(undefined);  // undefined: not known yet
  const [path, navigate] = usePath();
  const setLang = (l) => {
    saveLanguage(l);
    setLangState(l);
  };
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    api.whenSignedOut(() => setSession(null));
    api.currentSession().then(setSession, () => setSession(null));
  }, []);

  if (session === undefined) return <p class="loading">{t('appName')}…</p>;
  if (!session) {
    return (
      <>
        <header class="top">
          <span class="brand">{t('appName')}</span>
          <div class="account">
            <LanguagePicker t={t} setLang={setLang} />
          </div>
        </header>
        <SignIn t={t} onSignedIn={(s) => {
          setSession(s);
          navigate('/', true);
        }} />
      </>
    );
  }
  return (
    <Shell t={t} setLang={setLang} session={session} path={path} navigate={navigate}
      onSignOut={async () => {
        try {
          await api.signOut();
        } finally {
          setSession(null);
          navigate('/signin', true);
        }
      }} />
  );
}

render(<App />, document.getElementById('app'));
