/*
 * Saphan agent console: one page on the console API (docs/console-api.md).
 *
 * Plain JavaScript, no dependencies, no build step. Everything citizens or
 * staff wrote is put in the page with textContent, never as HTML. UI strings
 * live in strings/th.json and strings/en.json (same keys, checked by a test).
 */
(function () {
  'use strict';

  const LANGUAGES = ['th', 'en'];
  const LOCALES = { th: 'th-TH', en: 'en-GB' };
  const LANGUAGE_KEY = 'saphan.console.language';
  const RECONNECT_MIN_MS = 1000;
  const RECONNECT_MAX_MS = 30000;
  const SIGNED_OUT_CLOSE_CODE = 4401;  // the hub closes the live socket with this when the session has ended
  const MAP_URL = 'https://www.openstreetmap.org/';
  const OUTBOUND_STATUSES = ['pending', 'sent', 'failed'];
  const FIRST_STATUSES = ['pending', 'received'];  // a message's status when stored, before sending or answering

  const strings = {};
  let language = LANGUAGES.includes(storedLanguage()) ? storedLanguage() : 'th';

  // Signed-in state.
  let me = null;
  let csrfToken = null;
  let queue = { waiting: [], mine: [], claimed: [] };
  let queueReceivedAt = 0;          // performance.now() when the queue arrived: waited times tick from it
  let queueLoaded = false;          // the first queue is not announced
  const unread = new Set();         // conversation ids with messages not yet seen
  let openId = null;                // conversation shown
  let openData = null;              // its API answer
  let arrivedWhileLoading = null;   // live messages of the open conversation while it is being fetched
  let revealedPhone = null;
  let cannedReplies = [];
  let editingCannedId = null;
  let agents = [];
  let report = null;
  let socket = null;
  let reconnectAttempt = 0;
  let reconnectTimer = null;
  let tickTimer = null;

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------ strings

  function storedLanguage() {
    try { return localStorage.getItem(LANGUAGE_KEY); } catch (error) { return null; }
  }

  function t(key, values) {
    const text = strings[language][key];
    if (text === undefined) throw new Error('missing UI string: ' + key);
    return text.replace(/\{(\w+)\}/g, (match, name) => (values && name in values ? String(values[name]) : match));
  }

  /** A label for a value from the API: the UI string when there is one, else the value itself. */
  function labelFor(prefix, value) {
    const key = prefix + value;
    return key in strings[language] ? t(key) : String(value);
  }

  function applyLanguage() {
    document.documentElement.lang = language;
    updateTitle();
    document.querySelectorAll('[data-i18n]').forEach((element) => { element.textContent = t(element.dataset.i18n); });
    document.querySelectorAll('[data-i18n-aria-label]').forEach((element) => {
      element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
    });
    const toggle = $('language-toggle');
    const other = language === 'th' ? 'en' : 'th';
    toggle.textContent = t('switch_language');
    toggle.lang = other;
    if (me) {
      $('agent-role').textContent = labelFor('role_', me.role);
      renderQueue();
      renderCannedPicker();
      renderCannedTable();
      if (openData) renderConversation();
      if (report) renderReport();
    }
    updateConnection();
  }

  async function loadStrings() {
    await Promise.all(LANGUAGES.map(async (code) => {
      const response = await fetch('/console/static/strings/' + code + '.json', { credentials: 'same-origin' });
      strings[code] = await response.json();
    }));
  }

  // ------------------------------------------------------------ formatting

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return '';
    const options = { hour: '2-digit', minute: '2-digit' };
    if (date.toDateString() !== new Date().toDateString()) Object.assign(options, { day: 'numeric', month: 'short', year: 'numeric' });
    return date.toLocaleString(LOCALES[language], options);
  }

  function formatDuration(totalSeconds) {
    const seconds = Math.max(0, Math.floor(totalSeconds));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, '0');
    return hours ? hours + ':' + String(minutes).padStart(2, '0') + ':' + rest : minutes + ':' + rest;
  }

  function formatNumber(value, digits) {
    if (value === null || value === undefined) return t('no_data');
    return Number(value).toLocaleString(LOCALES[language], { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  /** Seconds as a short human duration (report times). */
  function formatSeconds(value) {
    if (value === null || value === undefined) return t('no_data');
    if (value < 60) return t('seconds', { n: formatNumber(value, 0) });
    if (value < 3600) return t('minutes', { n: formatNumber(value / 60, 1) });
    return t('hours', { n: formatNumber(value / 3600, 1) });
  }

  function mapLink(latitude, longitude, text) {
    const url = new URL(MAP_URL);
    url.searchParams.set('mlat', String(Number(latitude)));
    url.searchParams.set('mlon', String(Number(longitude)));
    url.hash = 'map=17/' + Number(latitude) + '/' + Number(longitude);
    const link = element('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, text);
    link.append(element('span', { class: 'visually-hidden' }, ' ' + t('opens_new_window')));
    return link;
  }

  // ------------------------------------------------------------ DOM helpers

  /** An element with attributes and text. Text is always textContent: never markup. */
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : value);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function fillFacts(list, facts) {
    list.replaceChildren();
    facts.forEach(([term, value]) => {
      if (value === null || value === undefined || value === '') return;
      list.append(element('dt', {}, term));
      const definition = element('dd');
      if (value instanceof Node) definition.append(value); else definition.textContent = String(value);
      list.append(definition);
    });
  }

  /** Term/definition pairs as a new list in the container, or "none" when there are none. */
  function factsOrNone(container, facts) {
    if (!facts.length) { container.replaceChildren(element('p', { class: 'empty' }, t('none'))); return; }
    const list = element('dl', { class: 'facts' });
    fillFacts(list, facts);
    container.replaceChildren(list);
  }

  function show(node, visible) { node.hidden = !visible; }

  function announce(text) {
    const announcer = $('announcer');
    announcer.textContent = '';
    // A new text node after a tick is announced even when the text repeats.
    setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function showAlert(text) {
    const alert = $('alert');
    alert.textContent = text;
    show(alert, Boolean(text));
  }

  // ------------------------------------------------------------ API

  /** One API call. Answers {status, data}; a lost session sends the user back to sign-in. */
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    let response;
    try {
      response = await fetch(path, {
        method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body)
      });
    } catch (error) {
      showAlert(t('error_network'));
      return { status: 0, data: null };
    }
    const isJson = (response.headers.get('content-type') || '').includes('application/json');
    const data = isJson ? await response.json() : null;
    if (response.status === 401 && me && path !== '/console/api/session') {
      signedOut(t('session_expired'));
    }
    return { status: response.status, data };
  }

  /** Say what went wrong, unless it is already said (no network) or moot (session gone: the sign-in form shows). */
  function complain(result) {
    if (result.status !== 401 && result.status !== 0) showAlert(failure(result));
  }

  /** The alert text for an unexpected answer. */
  function failure(result) {
    if (result.status === 403) return t('error_forbidden');
    if (result.status === 404) return t('error_not_found');
    if (result.status === 409) return t('error_conflict');
    if (result.status === 422 && result.data && result.data.message) return t('error_invalid', { detail: result.data.message });
    return t('error_generic', { status: result.status });
  }

  /** Run a state change; on success clear the alert and answer the data, else show why and answer null. */
  async function change(method, path, body, expected) {
    const result = await api(method, path, body);
    if (result.status === expected) { showAlert(''); return result.data === null ? {} : result.data; }
    complain(result);
    return null;
  }

  // ------------------------------------------------------------ session

  async function start() {
    await loadStrings();
    applyLanguage();
    bindEvents();
    const result = await api('GET', '/console/api/session');
    if (result.status === 200) startSession(result.data); else showSignIn('');
  }

  function showSignIn(message) {
    showOnly('sign-in');
    const error = $('sign-in-error');
    error.textContent = message;
    show(error, Boolean(message));
    $('sign-in-email').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const email = $('sign-in-email').value.trim();
    const password = $('sign-in-password').value;
    if (!email || !password) { showSignIn(t('sign_in_missing')); return; }
    const result = await api('POST', '/console/api/session', { email, password });
    $('sign-in-password').value = '';
    if (result.status === 200) { startSession(result.data); return; }
    if (result.status === 423) {
      showSignIn(t('sign_in_locked', { minutes: Math.max(1, Math.ceil(result.data.retry_after_seconds / 60)) }));
    } else if (result.status === 401) {
      showSignIn(t('sign_in_invalid'));
    } else {
      showSignIn(failure(result));
    }
  }

  function isSupervisor() { return Boolean(me) && (me.role === 'supervisor' || me.role === 'admin'); }

  async function startSession(session) {
    me = session.agent;
    csrfToken = session.csrf_token;
    $('agent-name').textContent = me.name;
    $('agent-role').textContent = labelFor('role_', me.role);
    [$('nav'), $('whoami'), $('sign-out')].forEach((node) => show(node, true));
    document.querySelectorAll('[data-supervisor-only]').forEach((node) => show(node, isSupervisor()));
    showAlert('');
    connect();
    tickTimer = setInterval(tickWaited, 1000);
    const [queueResult] = await Promise.all([api('GET', '/console/api/queue'), reloadCanned()]);
    if (queueResult.status === 200 && !queueLoaded) setQueue(queueResult.data);
    route();
  }

  async function signOut() {
    await api('DELETE', '/console/api/session');
    signedOut('');
  }

  function signedOut(message) {
    me = null;
    csrfToken = null;
    queue = { waiting: [], mine: [], claimed: [] };
    queueLoaded = false;
    unread.clear();
    openId = null;
    openData = null;
    report = null;
    clearInterval(tickTimer);
    clearTimeout(reconnectTimer);
    reconnectAttempt = 0;
    if (socket) { const closing = socket; socket = null; closing.close(); }
    updateConnection();
    updateTitle();
    [$('nav'), $('whoami'), $('sign-out')].forEach((node) => show(node, false));
    showAlert('');
    history.replaceState(null, '', location.pathname);
    showSignIn(message);
  }

  // ------------------------------------------------------------ views

  const VIEWS = ['sign-in', 'queue', 'canned', 'reports'];

  function showOnly(view) {
    VIEWS.forEach((name) => show($('view-' + name), name === view));
    document.querySelectorAll('[data-view-link]').forEach((link) => {
      if (link.dataset.viewLink === view) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    });
  }

  /** Hash routes: #queue, #conversation/<id>, #canned, #reports (the last two for supervisors). */
  function route(byUser) {
    if (!me) return;
    const [view, id] = location.hash.replace(/^#/, '').split('/');
    if (view === 'reports' && isSupervisor()) {
      showOnly('reports');
      loadReport();  // figures change all the time: fresh on every visit
    } else if (view === 'canned' && isSupervisor()) {
      showOnly('canned');
    } else {
      showOnly('queue');
      if (view === 'conversation' && id) {
        openConversation(decodeURIComponent(id)).then(() => { if (byUser && openData) $('conversation-title').focus(); });
      }
      else closeConversation();
    }
  }

  // ------------------------------------------------------------ live updates

  function connect() {
    const url = new URL('/console/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const opened = new WebSocket(url.href);
    socket = opened;
    opened.addEventListener('open', () => {
      if (socket !== opened) return;
      const wasReconnect = reconnectAttempt > 0;
      reconnectAttempt = 0;
      updateConnection();
      if (wasReconnect) {
        showAlert('');  // what the failed attempts said no longer holds
        if (openId) openConversation(openId);  // catch up on what was missed
      }
    });
    opened.addEventListener('message', (event) => {
      if (socket !== opened) return;
      let data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.type === 'queue') setQueue(data);
      else if (data.type === 'message') receiveMessage(data.conversation_id, data.message);
    });
    opened.addEventListener('close', (event) => {
      if (socket !== opened) return;  // replaced or signed out
      socket = null;
      if (event.code === SIGNED_OUT_CLOSE_CODE) { signedOut(t('session_expired')); return; }
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** reconnectAttempt);
      reconnectAttempt += 1;
      updateConnection();
      reconnectTimer = setTimeout(reconnect, delay * (0.75 + Math.random() / 4));
    });
  }

  /** Reconnect, unless the session is gone (then the API call shows the sign-in form). */
  async function reconnect() {
    clearTimeout(reconnectTimer);
    const result = await api('GET', '/console/api/session');
    if (!me) return;
    if (result.status === 200) connect();
    else if (result.status === 401) signedOut(t('session_expired'));
    else reconnectTimer = setTimeout(reconnect, RECONNECT_MAX_MS);
  }

  function updateConnection() {
    const status = $('connection');
    const lost = Boolean(me) && reconnectAttempt > 0;
    status.textContent = lost ? t('connection_lost') : '';
    show(status, lost);
  }

  // ------------------------------------------------------------ queue

  function setQueue(data) {
    const before = new Set(queue.waiting.map((item) => item.conversation_id));
    queue = { waiting: data.waiting, mine: data.mine, claimed: data.claimed };
    queueReceivedAt = performance.now();
    if (queueLoaded) {
      data.waiting.filter((item) => !before.has(item.conversation_id)).forEach((item) => {
        announce(t('announce_waiting', { channel: labelFor('channel_', item.channel), priority: labelFor('priority_', item.priority) }));
      });
    }
    queueLoaded = true;
    renderQueue();
  }

  function renderQueue() {
    const focused = document.activeElement && document.activeElement.closest('.queue-item');
    const focusedId = focused ? focused.dataset.conversationId : null;
    renderQueueList($('waiting-list'), $('waiting-empty'), $('waiting-count'), queue.waiting, true);
    renderQueueList($('mine-list'), $('mine-empty'), $('mine-count'), queue.mine, false);
    renderQueueList($('claimed-list'), $('claimed-empty'), $('claimed-count'), queue.claimed, false);
    updateTitle();
    if (focusedId) {
      const again = document.querySelector('.queue-item[data-conversation-id="' + CSS.escape(focusedId) + '"] a');
      if (again) again.focus();
    }
  }

  /** The tab's title counts who is waiting, so an agent sees it from another tab. */
  function updateTitle() {
    const waiting = me ? queue.waiting.length : 0;
    document.title = (waiting ? '(' + waiting + ') ' : '') + t('page_title');
  }

  function renderQueueList(list, empty, count, items, waiting) {
    list.replaceChildren(...items.map((item) => queueItem(item, waiting)));
    count.textContent = String(items.length);
    show(empty, items.length === 0);
  }

  function queueItem(item, waiting) {
    const li = element('li', { class: 'queue-item priority-' + item.priority, 'data-conversation-id': item.conversation_id });
    const link = element('a', {
      href: '#conversation/' + encodeURIComponent(item.conversation_id),
      'aria-current': item.conversation_id === openId ? 'true' : null
    });
    link.append(
      element('span', { class: 'badge queue-priority badge-' + item.priority }, labelFor('priority_', item.priority)),
      element('span', { class: 'queue-channel' }, labelFor('channel_', item.channel)),
      element('span', { class: 'queue-language' }, labelFor('language_', item.language)),
      element('span', { class: 'queue-category' }, item.category || t('no_category')),
      element('span', { class: 'queue-reason' }, labelFor('reason_', item.handoff_reason))
    );
    if (waiting) {
      link.append(element('span', { class: 'waited', 'data-waited-seconds': item.waited_seconds }, ''));
    } else if (item.assigned_agent && item.assigned_agent.id !== me.id) {
      link.append(element('span', { class: 'queue-agent' }, t('claimed_by', { name: item.assigned_agent.name })));
    }
    if (unread.has(item.conversation_id)) link.append(element('span', { class: 'badge badge-unread' }, t('unread')));
    li.append(link);
    tickWaited(li);
    return li;
  }

  function tickWaited(root) {
    const scope = root instanceof Node ? root : document;
    const elapsed = (performance.now() - queueReceivedAt) / 1000;
    scope.querySelectorAll('.waited').forEach((node) => {
      node.textContent = t('waited', { time: formatDuration(Number(node.dataset.waitedSeconds) + elapsed) });
    });
  }

  // ------------------------------------------------------------ conversation

  /** Show a conversation (again): live messages that arrive while it loads are merged into what loads. */
  async function openConversation(id) {
    if (id !== openId) { revealedPhone = null; showResult(''); openData = null; }
    openId = id;
    unread.delete(id);
    renderQueue();
    const arrived = [];
    arrivedWhileLoading = arrived;
    // Canned replies and staff are fetched again too: they may have changed since.
    const [result] = await Promise.all([
      api('GET', '/console/api/conversations/' + encodeURIComponent(id)), reloadCanned(), isSupervisor() && reloadAgents()
    ]);
    if (arrivedWhileLoading === arrived) arrivedWhileLoading = null;
    if (openId !== id) return;  // another one was opened meanwhile
    if (result.status !== 200) { complain(result); closeConversation(); return; }
    openData = result.data;
    arrived.forEach((message) => upsert(openData.messages, message));
    renderConversation();
  }

  /**
   * Put a message in a list: replaces the one with its id (a status change), else appends. Answers whether
   * it was new. A status never goes back to a first one: the live "sent" can overtake the answer to the
   * request that stored the reply as "pending".
   */
  function upsert(messages, message) {
    const index = messages.findIndex((known) => known.id === message.id);
    if (index < 0) { messages.push(message); return true; }
    const goesBack = FIRST_STATUSES.includes(message.status) && !FIRST_STATUSES.includes(messages[index].status);
    if (!goesBack) messages[index] = message;
    return false;
  }

  function closeConversation() {
    openId = null;
    openData = null;
    show($('conversation-body'), false);
    show($('conversation-placeholder'), true);
    renderQueue();
  }

  function isMine(conversation) {
    return Boolean(conversation.assigned_agent) && conversation.assigned_agent.id === me.id;
  }

  function renderConversation() {
    const { conversation, messages, ticket, other_conversations: others, notes, phone } = openData;
    const canAct = isMine(conversation) || isSupervisor();
    const active = conversation.state === 'waiting' || conversation.state === 'agent';
    show($('conversation-placeholder'), false);
    show($('conversation-body'), true);

    fillFacts($('conversation-facts'), [
      [t('fact_channel'), labelFor('channel_', conversation.channel)],
      [t('fact_language'), labelFor('language_', conversation.language)],
      [t('fact_state'), labelFor('state_', conversation.state)],
      [t('fact_priority'), conversation.priority ? labelFor('priority_', conversation.priority) : null],
      [t('fact_reason'), conversation.handoff_reason ? labelFor('reason_', conversation.handoff_reason) : null],
      [t('fact_agent'), conversation.assigned_agent ? conversation.assigned_agent.name : t('nobody')]
    ]);

    show($('claim'), conversation.state === 'waiting');
    show($('resolve'), canAct && conversation.state === 'agent');
    show($('hand-back'), canAct && conversation.state === 'agent');
    show($('reassign-form'), isSupervisor() && active);
    renderReassign(conversation);

    // A whole transcript at once is not read out message by message; live additions are.
    const transcript = $('transcript');
    transcript.setAttribute('aria-busy', 'true');
    transcript.replaceChildren(...messages.map(messageItem));
    transcript.scrollTop = transcript.scrollHeight;  // the latest messages first in view
    setTimeout(() => transcript.removeAttribute('aria-busy'), 0);
    show($('reply-form'), canAct && conversation.state === 'agent');
    renderCannedPicker();

    renderSummary(conversation.summary);
    renderTicket(ticket);
    renderPhone(phone, canAct);
    $('other-conversations').replaceChildren(...(others.length ? others.map(otherConversation) : [element('li', { class: 'empty' }, t('none'))]));
    $('notes').replaceChildren(...(notes.length ? notes.map(noteItem) : [element('li', { class: 'empty' }, t('none'))]));
    show($('note-form'), canAct);
  }

  function senderLabel(message) {
    if (message.sender === 'agent' && message.agent) return t('sender_agent_named', { name: message.agent.name });
    return labelFor('sender_', message.sender);
  }

  function messageItem(message) {
    const li = element('li', { class: 'message message-' + message.sender, 'data-message-id': message.id });
    const meta = element('p', { class: 'message-meta' });
    meta.append(element('span', { class: 'message-sender' }, senderLabel(message)), ' ');
    meta.append(element('time', { datetime: message.created_at }, formatTime(message.created_at)));
    if (message.sender !== 'citizen' && OUTBOUND_STATUSES.includes(message.status)) {
      const status = message.status === 'failed'
        ? t('status_failed', { reason: message.failure_reason || t('no_reason') })
        : labelFor('status_', message.status);
      meta.append(' ', element('span', { class: 'message-status status-' + message.status }, status));
    }
    li.append(meta);
    if (message.kind === 'photo' && message.media_id) {
      li.append(element('img', {
        class: 'message-photo', src: '/console/api/media/' + encodeURIComponent(message.media_id), alt: t('photo_alt'), loading: 'lazy'
      }));
    }
    if (message.text) li.append(element('p', { class: 'message-text', lang: message.language || null }, message.text));
    if (message.location) {
      const place = element('p', { class: 'message-location' });
      const { latitude, longitude, address } = message.location;
      place.append(mapLink(latitude, longitude, address || t('location_coordinates', { latitude, longitude })));
      li.append(place);
    }
    if (message.kind === 'sticker' || message.kind === 'unsupported') {
      li.append(element('p', { class: 'message-kind' }, labelFor('kind_', message.kind)));
    }
    if (message.buttons && message.buttons.length) {
      li.append(element('p', { class: 'message-buttons' }, t('buttons_offered', { titles: message.buttons.map((button) => button.title).join(' · ') })));
    }
    return li;
  }

  /** A live message: add it to the open transcript (or update its status); a citizen's elsewhere marks that conversation unread. */
  function receiveMessage(conversationId, message) {
    if (conversationId !== openId) {
      if (message.sender === 'citizen' && !unread.has(conversationId)) { unread.add(conversationId); renderQueue(); }
      return;
    }
    if (arrivedWhileLoading) arrivedWhileLoading.push(message);
    if (!openData) return;
    const transcript = $('transcript');
    if (upsert(openData.messages, message)) {
      transcript.append(messageItem(message));
      transcript.lastElementChild.scrollIntoView({ block: 'nearest' });
    } else {
      const kept = openData.messages.find((known) => known.id === message.id);
      transcript.querySelector('[data-message-id="' + CSS.escape(message.id) + '"]').replaceWith(messageItem(kept));
    }
  }

  /** The bot's summary: any JSON object, shown as nested term/definition lists. */
  function renderSummary(summary) {
    factsOrNone($('summary'), Object.entries(summary || {}).map(([key, value]) => [
      labelFor('summary_', key), key === 'language' ? labelFor('language_', value) : summaryValue(value)
    ]));
  }

  function summaryValue(value) {
    if (Array.isArray(value)) return value.length ? value.map((item) => summaryText(item)).join(', ') : t('none');
    if (value && typeof value === 'object') {
      const nested = element('dl', { class: 'facts nested' });
      const entries = Object.entries(value);
      if (!entries.length) return t('none');
      fillFacts(nested, entries.map(([key, inner]) => [labelFor('summary_', key), summaryText(inner)]));
      return nested;
    }
    return summaryText(value);
  }

  function summaryText(value) {
    if (value === true) return t('yes');
    if (value === false) return t('no');
    if (value && typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  function renderTicket(ticket) {
    if (!ticket) { factsOrNone($('ticket'), []); return; }
    const photos = element('span');
    (ticket.photos || []).forEach((mediaId, index) => {
      photos.append(element('img', {
        class: 'ticket-photo', src: '/console/api/media/' + encodeURIComponent(mediaId),
        alt: t('ticket_photo_alt', { n: index + 1 }), loading: 'lazy'
      }));
    });
    const coordinates = ticket.coordinates;
    factsOrNone($('ticket'), [
      [t('ticket_reference'), ticket.reference],
      [t('ticket_status'), ticket.status],
      [t('ticket_category'), ticket.category],
      [t('ticket_description'), ticket.description],
      [t('ticket_place'), ticket.location],
      [t('ticket_created'), formatTime(ticket.created_at)],
      [t('ticket_location'), coordinates ? mapLink(coordinates.latitude, coordinates.longitude, t('map_link')) : null],
      [t('ticket_photos'), photos.childNodes.length ? photos : null]
    ]);
  }

  function renderPhone(phone, canAct) {
    const number = $('phone-number');
    if (!phone) { number.textContent = t('none'); show($('reveal-phone'), false); return; }
    number.textContent = revealedPhone || phone.masked;
    show($('reveal-phone'), canAct && !revealedPhone);
  }

  function otherConversation(other) {
    const li = element('li');
    li.append(element('a', { href: '#conversation/' + encodeURIComponent(other.id) },
      [formatTime(other.created_at), labelFor('channel_', other.channel), labelFor('state_', other.state)].join(' · ')));
    return li;
  }

  function noteItem(note) {
    const li = element('li', { class: 'note' });
    const meta = element('p', { class: 'message-meta' });
    meta.append(element('span', { class: 'message-sender' }, note.agent.name), ' ',
      element('time', { datetime: note.created_at }, formatTime(note.created_at)));
    li.append(meta, element('p', { class: 'message-text' }, note.text));
    return li;
  }

  function renderReassign(conversation) {
    const select = $('reassign-agent');
    const current = conversation.assigned_agent ? conversation.assigned_agent.id : null;
    select.replaceChildren(...agents.filter((agent) => agent.id !== current).map((agent) =>
      element('option', { value: agent.id }, agent.name + ' (' + labelFor('role_', agent.role) + ')')));
  }

  /** Staff a supervisor can reassign to. */
  async function reloadAgents() {
    const result = await api('GET', '/console/api/agents');
    if (result.status === 200) agents = result.data; else complain(result);
  }

  function showResult(text) {
    const result = $('claim-result');
    result.textContent = text;
    show(result, Boolean(text));
  }

  async function conversationAction(action, body, expected) {
    const id = openId;
    const data = await change('POST', '/console/api/conversations/' + encodeURIComponent(id) + '/' + action, body, expected);
    // Reloaded either way: after a refusal (someone else acted first) the view shows what is true now.
    if (openId === id) await openConversation(id);
    return data;
  }

  async function claim() {
    const id = openId;
    const result = await api('POST', '/console/api/conversations/' + encodeURIComponent(id) + '/claim');
    if (result.status === 200) { showResult(''); showAlert(''); announce(t('claimed')); }
    else if (result.status === 409 && result.data.by) showResult(t('already_claimed', { name: result.data.by.name }));
    else complain(result);
    if (openId === id) await openConversation(id);
    if (result.status === 200 && !$('reply-form').hidden) $('reply-text').focus();
  }

  async function sendReply(event) {
    event.preventDefault();
    const box = $('reply-text');
    const text = box.value.trim();
    if (!text) { showAlert(t('reply_empty')); box.focus(); return; }
    const id = openId;
    const message = await change('POST', '/console/api/conversations/' + encodeURIComponent(id) + '/reply', { text }, 201);
    if (message === null) return;
    box.value = '';
    if (openId === id) receiveMessage(id, message);
  }

  function replyKeydown(event) {
    // Enter sends; Shift+Enter is a new line; Enter that ends a Thai input-method composition does not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('reply-form').requestSubmit();
    }
  }

  async function addNote(event) {
    event.preventDefault();
    const box = $('note-text');
    const text = box.value.trim();
    if (!text) { box.focus(); return; }
    if (await conversationAction('notes', { text }, 201) !== null) box.value = '';
  }

  async function revealPhone() {
    const data = await change('POST', '/console/api/conversations/' + encodeURIComponent(openId) + '/reveal_phone', undefined, 200);
    if (data === null) return;
    revealedPhone = data.phone;
    renderConversation();
    $('phone-number').focus();
  }

  async function reassign(event) {
    event.preventDefault();
    if (await conversationAction('reassign', { agent_id: $('reassign-agent').value }, 200) !== null) announce(t('reassigned'));
  }

  // ------------------------------------------------------------ canned replies

  function renderCannedPicker() {
    const select = $('canned-pick');
    const preferred = openData ? openData.conversation.language : language;
    const groups = [preferred, ...LANGUAGES.filter((code) => code !== preferred)].map((code) => {
      const group = element('optgroup', { label: labelFor('language_', code) });
      cannedReplies.filter((reply) => reply.language === code).forEach((reply) => {
        group.append(element('option', { value: reply.id }, reply.title));
      });
      return group;
    }).filter((group) => group.childNodes.length);
    select.replaceChildren(element('option', { value: '' }, cannedReplies.length ? t('canned_choose') : t('canned_none')), ...groups);
  }

  function pickCanned() {
    const select = $('canned-pick');
    const reply = cannedReplies.find((candidate) => String(candidate.id) === select.value);
    if (!reply) return;
    $('reply-text').value = reply.text;
    select.value = '';
    $('reply-text').focus();
  }

  function renderCannedTable() {
    $('canned-rows').replaceChildren(...cannedReplies.map((reply) => {
      const row = element('tr', { 'data-canned-id': reply.id });
      row.append(element('td', {}, reply.title), element('td', {}, labelFor('language_', reply.language)),
        element('td', { class: 'canned-text' }, reply.text));
      const actions = element('td', { class: 'actions' });
      const edit = element('button', { type: 'button', 'aria-label': t('edit_named', { title: reply.title }) }, t('edit'));
      edit.addEventListener('click', () => editCanned(reply));
      const remove = element('button', { type: 'button', class: 'danger', 'aria-label': t('delete_named', { title: reply.title }) }, t('delete'));
      remove.addEventListener('click', () => deleteCanned(reply));
      actions.append(edit, ' ', remove);
      row.append(actions);
      return row;
    }));
  }

  function editCanned(reply) {
    editingCannedId = reply ? reply.id : null;
    $('canned-title-input').value = reply ? reply.title : '';
    $('canned-language').value = reply ? reply.language : language;
    $('canned-text').value = reply ? reply.text : '';
    const title = $('canned-form-title');
    title.dataset.i18n = reply ? 'canned_edit' : 'canned_add';
    title.textContent = t(title.dataset.i18n);
    show($('canned-cancel'), Boolean(reply));
    if (reply) $('canned-title-input').focus();
  }

  async function saveCanned(event) {
    event.preventDefault();
    const body = { title: $('canned-title-input').value.trim(), language: $('canned-language').value, text: $('canned-text').value.trim() };
    if (!body.title || !body.text) { showAlert(t('canned_missing')); return; }
    const saved = editingCannedId === null
      ? await change('POST', '/console/api/canned_replies', body, 201)
      : await change('PUT', '/console/api/canned_replies/' + encodeURIComponent(editingCannedId), body, 200);
    if (saved === null) return;
    await reloadCanned();
    announce(t('canned_saved', { title: body.title }));
    editCanned(null);
  }

  async function deleteCanned(reply) {
    if (!window.confirm(t('canned_confirm_delete', { title: reply.title }))) return;
    if (await change('DELETE', '/console/api/canned_replies/' + encodeURIComponent(reply.id), undefined, 204) === null) return;
    if (editingCannedId === reply.id) editCanned(null);
    await reloadCanned();
    announce(t('canned_deleted', { title: reply.title }));
  }

  async function reloadCanned() {
    const result = await api('GET', '/console/api/canned_replies');
    if (result.status !== 200) { complain(result); return; }
    cannedReplies = result.data;
    renderCannedTable();
    renderCannedPicker();
  }

  // ------------------------------------------------------------ reports

  function isoDate(date) {
    return [date.getFullYear(), String(date.getMonth() + 1).padStart(2, '0'), String(date.getDate()).padStart(2, '0')].join('-');
  }

  function reportQuery() {
    return new URLSearchParams({ from: $('report-from').value, to: $('report-to').value }).toString();
  }

  async function loadReport(event) {
    if (event) event.preventDefault();
    if (!$('report-from').value || !$('report-to').value) {
      const today = new Date();
      $('report-to').value = isoDate(today);
      $('report-from').value = isoDate(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6));
    }
    if ($('report-from').value > $('report-to').value) { showAlert(t('report_bad_period')); return; }
    $('report-csv').href = '/console/api/reports.csv?' + reportQuery();
    const result = await api('GET', '/console/api/reports?' + reportQuery());
    if (result.status !== 200) { complain(result); return; }
    showAlert('');
    report = result.data;
    renderReport();
  }

  const RATING_COLOURS = ['#a4262c', '#c75000', '#8a6d00', '#2f7d4a', '#0b5394'];

  function formatDay(iso, options) {
    return new Date(iso + 'T00:00:00').toLocaleDateString(LOCALES[language], options);
  }

  /** The report: headline figures, charts per day, tables per agent and per channel (shape: hub/console/views.py). */
  function renderReport() {
    const { overall, per_day: days } = report;
    const labels = days.map((day) => formatDay(day.date, { day: 'numeric', month: 'short' }));
    const long = { day: 'numeric', month: 'long', year: 'numeric' };
    const figures = element('ul', { class: 'report-figures' });
    [
      [t('report_csat_average'), formatNumber(overall.csat.average, 2), t('report_ratings', { n: overall.csat.responses })],
      [t('report_handoffs'), formatNumber(overall.handoffs, 0), ''],
      [t('report_containment'), formatPercent(overall.containment.rate), t('report_conversations', { n: overall.containment.conversations })],
      [t('report_first_response'), formatSeconds(overall.first_response_seconds.p50), t('report_p90', { value: formatSeconds(overall.first_response_seconds.p90) })],
      [t('report_resolution'), formatSeconds(overall.resolution_seconds.p50), t('report_p90', { value: formatSeconds(overall.resolution_seconds.p90) })]
    ].forEach(([name, value, detail]) => {
      const figure = element('li', {}, name);
      figure.append(element('strong', {}, value), element('span', {}, detail));
      figures.append(figure);
    });
    const integer = (value) => formatNumber(value, 0);
    $('report-body').replaceChildren(
      element('h2', {}, t('report_period', { from: formatDay(report.from, long), to: formatDay(report.to, long) })),
      figures,
      window.SaphanCharts.bars({
        title: t('report_csat_per_day'), tableCaption: t('report_as_table'), labels, max: 5,
        series: [{ name: t('report_csat_average'), colour: '#0b5394', values: days.map((day) => day.csat.average) }],
        format: (value) => formatNumber(value, 1)
      }),
      window.SaphanCharts.bars({
        title: t('report_distribution_per_day'), tableCaption: t('report_as_table'), labels, format: integer, counts: true,
        series: [1, 2, 3, 4, 5].map((rating) => ({
          name: t('report_rating', { n: rating }), colour: RATING_COLOURS[rating - 1],
          values: days.map((day) => day.csat.distribution[rating])
        }))
      }),
      window.SaphanCharts.bars({
        title: t('report_handoffs_per_day'), tableCaption: t('report_as_table'), labels, format: integer, counts: true,
        series: [{ name: t('report_handoffs'), colour: '#0b5394', values: days.map((day) => day.handoffs) }]
      }),
      breakdownTable('report-per-agent', t('report_per_agent'), t('report_agent'), report.per_agent,
        (row) => (row.agent ? row.agent.name : t('report_unknown_agent')), false),
      breakdownTable('report-per-channel', t('report_per_channel'), t('report_channel'), report.per_channel,
        (row) => labelFor('channel_', row.channel), true)
    );
  }

  function formatPercent(rate) {
    if (rate === null || rate === undefined) return t('no_data');
    return rate.toLocaleString(LOCALES[language], { style: 'percent', maximumFractionDigits: 1 });
  }

  /** Per agent or per channel: one row each with the same figures as the totals (containment only per channel). */
  function breakdownTable(id, caption, firstColumn, rows, name, withContainment) {
    const columns = [
      ['csat-average', t('report_csat_average'), (row) => formatNumber(row.csat.average, 2)],
      ['csat-count', t('report_csat_count'), (row) => formatNumber(row.csat.responses, 0)],
      ['handoffs', t('report_handoffs'), (row) => formatNumber(row.handoffs, 0)],
      ['first-response-p50', t('report_first_response_p50'), (row) => formatSeconds(row.first_response_seconds.p50)],
      ['first-response-p90', t('report_first_response_p90'), (row) => formatSeconds(row.first_response_seconds.p90)],
      ['resolution-p50', t('report_resolution_p50'), (row) => formatSeconds(row.resolution_seconds.p50)],
      ['resolution-p90', t('report_resolution_p90'), (row) => formatSeconds(row.resolution_seconds.p90)]
    ];
    if (withContainment) columns.push(['containment', t('report_containment'), (row) => formatPercent(row.containment.rate)]);
    const table = element('table', { id, class: 'data-table' });
    table.append(element('caption', {}, caption));
    const head = element('tr');
    head.append(element('th', { scope: 'col' }, firstColumn));
    columns.forEach(([, title]) => head.append(element('th', { scope: 'col', class: 'number' }, title)));
    const thead = element('thead');
    thead.append(head);
    const body = element('tbody');
    rows.forEach((row) => {
      const line = element('tr');
      line.append(element('th', { scope: 'row' }, name(row)));
      columns.forEach(([kind, , value]) => line.append(element('td', { class: 'number ' + kind }, value(row))));
      body.append(line);
    });
    if (!rows.length) {
      const empty = element('tr');
      empty.append(element('td', { colspan: String(columns.length + 1) }, t('no_data')));
      body.append(empty);
    }
    table.append(thead, body);
    return table;
  }

  // ------------------------------------------------------------ events

  function bindEvents() {
    $('language-toggle').addEventListener('click', () => {
      language = language === 'th' ? 'en' : 'th';
      try { localStorage.setItem(LANGUAGE_KEY, language); } catch (error) { /* private mode: this page only */ }
      applyLanguage();
    });
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', () => route(true));
    window.addEventListener('online', () => { if (me && !socket) reconnect(); });
    $('claim').addEventListener('click', claim);
    $('resolve').addEventListener('click', () => conversationAction('resolve', undefined, 200).then((done) => done && announce(t('resolved'))));
    $('hand-back').addEventListener('click', () => conversationAction('hand_back', undefined, 200).then((done) => done && announce(t('handed_back'))));
    $('reassign-form').addEventListener('submit', reassign);
    $('reveal-phone').addEventListener('click', revealPhone);
    $('reply-form').addEventListener('submit', sendReply);
    $('reply-text').addEventListener('keydown', replyKeydown);
    $('canned-pick').addEventListener('change', pickCanned);
    $('note-form').addEventListener('submit', addNote);
    $('canned-form').addEventListener('submit', saveCanned);
    $('canned-cancel').addEventListener('click', () => editCanned(null));
    $('report-form').addEventListener('submit', loadReport);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
