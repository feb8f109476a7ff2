// English and Russian. The choice is remembered in localStorage; numbers,
// percentages and times are formatted by Intl for the chosen language.
const kStorageKey = 'vigil.lang';
export const kLanguages = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
];

const strings = {
  en: {
    appName: 'vigil',
    skipToContent: 'Skip to content',
    signInTitle: 'Sign in',
    signInIntro: 'Sign in with the name and password your mission gave you.',
    name: 'Name',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    signInFailed: 'The name or password is wrong.',
    signInLocked: 'Too many failed attempts: try again in {s} seconds.',
    language: 'Language',
    mainNav: 'Main',
    signedInAs: 'Signed in as {user} ({role})',
    'role.admin': 'administrator',
    'role.analyst': 'analyst',
    'role.coordinator': 'coordinator',
    'role.observer': 'observer',
    'role.viewer': 'viewer',
    'page.dashboard': 'Dashboard',
    'page.findings': 'Findings',
    'page.submissions': 'Submissions',
    'page.results': 'Results',
    'page.admin': 'Administration',
    'page.observe': 'Observer form',
    notBuilt: 'This page is not built yet; it comes in a later version of the web application.',
    notPermitted: 'Your role may not use this page.',
    notFound: 'There is no such page.',
    coverage: 'Coverage by form',
    form: 'Form',
    stations: 'Stations',
    planned: 'Planned',
    reported: 'Reported',
    reports: 'Reports',
    reportedShare: 'Reported of planned',
    findings: 'Findings by form',
    findingsNote: 'Share of observations with a negative answer, among those where the question applied (n).',
    observations: 'Observations',
    question: 'Question',
    negative: 'Negative',
    share: 'Share',
    topProblems: 'Most frequent problems',
    criteria: 'Criteria scorecard',
    criterion: 'Criterion',
    'criterion.equality': 'Equality',
    'criterion.universality': 'Universality',
    'criterion.political_pluralism': 'Political pluralism',
    'criterion.confidence': 'Confidence',
    'criterion.transparency': 'Transparency',
    'criterion.accountability': 'Accountability',
    worstShare: 'Highest negative share',
    alerts: 'Open alerts',
    noAlerts: 'No open alerts.',
    feed: 'Live feed',
    feedEmpty: 'Nothing has arrived since you opened the dashboard.',
    'event.submission': 'Report {form} from station {station}',
    'event.alert': 'Alert {kind} at station {station}: {change}',
    'event.rule': 'Report from station {station} flagged by rules {rules}',
    'event.reset': 'The stream restarted: figures reloaded',
    'alert.critical_incident': 'critical incident',
    'alert.critical_answer': 'critical answer',
    station: 'Station',
    time: 'Time',
    kind: 'Kind',
    status: 'Status',
    live: 'Live',
    connecting: 'Connecting…',
    offline: 'Reconnecting…',
    updated: 'Updated {time}',
    loadFailed: 'Could not load: {message}',
    noData: 'No data yet.',
  },
  ru: {
    appName: 'vigil',
    skipToContent: 'Перейти к содержанию',
    signInTitle: 'Вход',
    signInIntro: 'Войдите с именем и паролем, выданными миссией.',
    name: 'Имя',
    password: 'Пароль',
    signIn: 'Войти',
    signingIn: 'Вход…',
    signOut: 'Выйти',
    signInFailed: 'Неверное имя или пароль.',
    signInLocked: 'Слишком много неудачных попыток: повторите через {s} с.',
    language: 'Язык',
    mainNav: 'Основное меню',
    signedInAs: 'Вы вошли как {user} ({role})',
    'role.admin': 'администратор',
    'role.analyst': 'аналитик',
    'role.coordinator': 'координатор',
    'role.observer': 'наблюдатель',
    'role.viewer': 'читатель',
    'page.dashboard': 'Сводка',
    'page.findings': 'Выводы',
    'page.submissions': 'Отчёты',
    'page.results': 'Результаты',
    'page.admin': 'Администрирование',
    'page.observe': 'Форма наблюдателя',
    notBuilt: 'Эта страница ещё не готова; она появится в следующей версии веб-приложения.',
    notPermitted: 'Ваша роль не даёт доступа к этой странице.',
    notFound: 'Такой страницы нет.',
    coverage: 'Охват по формам',
    form: 'Форма',
    stations: 'Участки',
    planned: 'Запланировано',
    reported: 'Есть отчёт',
    reports: 'Отчёты',
    reportedShare: 'Доля запланированных с отчётом',
    findings: 'Выводы по формам',
    findingsNote: 'Доля наблюдений с отрицательным ответом среди тех, где вопрос применим (n).',
    observations: 'Наблюдения',
    question: 'Вопрос',
    negative: 'Отрицательно',
    share: 'Доля',
    topProblems: 'Самые частые нарушения',
    criteria: 'Оценка по критериям',
    criterion: 'Критерий',
    'criterion.equality': 'Равенство',
    'criterion.universality': 'Всеобщность',
    'criterion.political_pluralism': 'Политический плюрализм',
    'criterion.confidence': 'Доверие',
    'criterion.transparency': 'Прозрачность',
    'criterion.accountability': 'Подотчётность',
    worstShare: 'Наибольшая доля отрицательных',
    alerts: 'Открытые тревоги',
    noAlerts: 'Открытых тревог нет.',
    feed: 'Лента событий',
    feedEmpty: 'С момента открытия сводки ничего не поступило.',
    'event.submission': 'Отчёт {form} с участка {station}',
    'event.alert': 'Тревога «{kind}» на участке {station}: {change}',
    'event.rule': 'Отчёт с участка {station} отмечен правилами {rules}',
    'event.reset': 'Поток перезапущен: данные обновлены',
    'alert.critical_incident': 'критический инцидент',
    'alert.critical_answer': 'критический ответ',
    station: 'Участок',
    time: 'Время',
    kind: 'Вид',
    status: 'Статус',
    live: 'В эфире',
    connecting: 'Подключение…',
    offline: 'Переподключение…',
    updated: 'Обновлено {time}',
    loadFailed: 'Не удалось загрузить: {message}',
    noData: 'Данных пока нет.',
  },
};

export function initialLanguage() {
  try {
    const saved = localStorage.getItem(kStorageKey);
    if (saved && strings[saved]) return saved;
  } catch {
    // Storage may be disabled; fall back to the browser's language.
  }
  return (navigator.language || 'en').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function saveLanguage(lang) {
  try {
    localStorage.setItem(kStorageKey, lang);
  } catch {
    // Not remembered, but still switched.
  }
}

// The translator for `lang`: t('key', {name: value}); an unknown key shows
// as itself, so that a missing translation is visible rather than blank.
export function translator(lang) {
  const table = strings[lang] || strings.en;
  const numbers = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const t = (key, params) => {
    let s = table[key] ?? strings.en[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
  t.lang = lang;
  t.number = (n) => (n == null ? '—' : numbers.format(n));
  t.percent = (x) => (x == null ? '—' : percent.format(x));
  t.time = (iso) => {
    const d = iso instanceof Date ? iso : new Date(iso);
    return Number.isNaN(d.getTime()) ? '—' : time.format(d);
  };
  return t;
}
