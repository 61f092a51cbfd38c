/*
 * Saphan web chat widget.
 *
 * Embed with one tag:
 *   <script src="https://hub.example/webchat/widget.js" defer></script>
 * Optional attributes: data-open="true" (open the panel at load),
 *                      data-lang="th" | "en" (chrome language, default th).
 *
 * Protocol: docs/webchat-protocol.md. Plain JavaScript, no dependencies,
 * no build step. The only global is window.SaphanChat = { open(), close() }.
 */
(function () {
  'use strict';

  if (window.SaphanChat) return; // included twice: keep the first copy

  // ---------------------------------------------------------------- config

  var script = document.currentScript;
  if (!script) {
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js(?:[?#]|$)/.test(scripts[i].src)) { script = scripts[i]; break; }
    }
  }
  var dataset = (script && script.dataset) || {};
  var LANG = dataset.lang === 'en' ? 'en' : 'th';
  var OPEN_AT_LOAD = dataset.open === 'true';
  var WS_URL = websocketUrl(script && script.src);

  var STORAGE_KEY = 'saphan.webchat.session';
  var MAX_CHARS = 2000;
  var COUNTER_FROM = 1800;          // show the character counter from here on
  var BACKOFF_MIN = 1000;
  var BACKOFF_MAX = 15000;
  var WELCOME_TIMEOUT = 10000;      // open socket but no welcome: retry
  var PENDING_TIMEOUT = 20000;      // sent text never echoed: unlock the input
  var TYPING_TIMEOUT = 30000;       // typing indicator without a follow-up
  var SENDERS = ['citizen', 'bot', 'agent', 'system'];

  // Short chrome labels are bilingual (Thai first). Longer sentences use the
  // chrome language chosen with data-lang.
  var BI = {
    toggle: 'เปิดแชท / Open chat',
    unread: 'ข้อความใหม่ / new',
    title: 'แชทกับเทศบาล / Chat with the municipality',
    titleTh: 'แชทกับเทศบาล',
    titleEn: 'Chat with the municipality',
    close: 'ปิดแชท / Close chat',
    log: 'ข้อความในแชท / Chat messages',
    input: 'ข้อความ / Message',
    send: ['ส่ง', 'Send'],
    sending: ['กำลังส่ง…', 'Sending…'],
    connecting: 'กำลังเชื่อมต่อ… / Connecting…',
    reconnecting: 'กำลังเชื่อมต่อใหม่… / Reconnecting…',
    offline: 'ออฟไลน์ — กำลังรอสัญญาณ… / Offline — waiting for network…',
    retry: ['ลองอีกครั้ง', 'Retry now'],
    typing: 'กำลังพิมพ์… / Typing…',
    options: 'ตัวเลือก / Options'
  };
  var TEXT = {
    th: {
      placeholder: 'พิมพ์ข้อความ…',
      hint: 'กด Enter เพื่อส่ง กด Shift+Enter เพื่อขึ้นบรรทัดใหม่ ยาวได้ไม่เกิน 2,000 ตัวอักษร',
      empty: 'กรุณาพิมพ์ข้อความก่อนส่ง',
      tooLong: 'ข้อความยาวเกิน 2,000 ตัวอักษร (ตอนนี้ {n} ตัวอักษร) กรุณาย่อให้สั้นลง',
      notConnected: 'ยังไม่ได้เชื่อมต่อ กรุณารอสักครู่แล้วส่งอีกครั้ง',
      noConfirm: 'ยังไม่ได้รับการยืนยันว่าข้อความถูกส่งแล้ว กรุณาลองส่งอีกครั้ง',
      counter: '{n} / 2,000 ตัวอักษร',
      sender: { citizen: 'คุณ', bot: 'ผู้ช่วยอัตโนมัติ', agent: 'เจ้าหน้าที่', system: 'ระบบ' },
      error: 'ข้อผิดพลาด',
      locale: 'th-TH'
    },
    en: {
      placeholder: 'Type a message…',
      hint: 'Press Enter to send, Shift+Enter for a new line. Up to 2,000 characters.',
      empty: 'Please type a message before sending.',
      tooLong: 'The message is longer than 2,000 characters (now {n}). Please shorten it.',
      notConnected: 'Not connected yet. Please wait a moment and send again.',
      noConfirm: 'The message was not confirmed. Please try sending it again.',
      counter: '{n} / 2,000 characters',
      sender: { citizen: 'You', bot: 'Assistant', agent: 'Staff', system: 'System' },
      error: 'Error',
      locale: 'en-GB'
    }
  };
  var T = TEXT[LANG];

  // ---------------------------------------------------------------- state

  var ws = null;
  var ready = false;            // welcome received on the current socket
  var started = false;          // connection loop running
  var everConnected = false;
  var attempt = 0;
  var retryTimer = null;
  var welcomeTimer = null;
  var typingTimer = null;
  var pending = null;           // {text, timer}: sent, waiting for the echo
  var unconfirmed = null;       // text pending when the socket dropped
  var conversationId = null;
  var seen = new Set();         // message ids in the log
  var unread = 0;
  var isOpen = false;
  var memoryToken = null;       // when localStorage is unavailable
  var ui = null;                // DOM references once built
  var queued = [];              // API calls made before the DOM was ready

  // ---------------------------------------------------------------- helpers

  function websocketUrl(src) {
    try {
      var u = new URL(src || window.location.href, window.location.href);
      u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
      u.pathname = '/channels/webchat/ws';
      u.search = '';
      u.hash = '';
      return u.href;
    } catch (e) {
      return null;
    }
  }

  function loadToken() {
    try { return window.localStorage.getItem(STORAGE_KEY) || null; } catch (e) { return memoryToken; }
  }

  function saveToken(token) {
    memoryToken = token;
    try { window.localStorage.setItem(STORAGE_KEY, token); } catch (e) { /* private mode */ }
  }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }

  // "ไทย / English" with the English half marked lang="en" (visible labels).
  function biLabel(pair) {
    return [pair[0] + ' / ', h('span', { lang: 'en' }, [pair[1]])];
  }

  function setBiLabel(el, pair) {
    el.textContent = '';
    biLabel(pair).forEach(function (c) {
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
  }

  function format(template, n) {
    return template.replace('{n}', n.toLocaleString(T.locale));
  }

  // Lone UTF-16 surrogates cannot be encoded as UTF-8: replace them.
  function wellFormed(s) {
    if (typeof s.toWellFormed === 'function') return s.toWellFormed();
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { out += s[i] + s[i + 1]; i++; } else { out += '\uFFFD'; }
      } else if (c >= 0xDC00 && c <= 0xDFFF) {
        out += '\uFFFD';
      } else {
        out += s[i];
      }
    }
    return out;
  }

  // Characters as the hub counts them (Unicode code points, like Python len).
  function countChars(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) i++;
      }
      n++;
    }
    return n;
  }

  function sameText(a, b) {
    var norm = function (s) { return String(s).normalize('NFC').replace(/\s+/g, ' ').trim(); };
    return norm(a) === norm(b);
  }

  function validLang(v) {
    return typeof v === 'string' && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(v);
  }

  function formatTime(iso) {
    if (typeof iso !== 'string') return null;
    var d = new Date(iso);
    if (isNaN(d.getTime())) return null;
    var now = new Date();
    var opts = { hour: '2-digit', minute: '2-digit' };
    if (d.toDateString() !== now.toDateString()) { opts.day = 'numeric'; opts.month = 'short'; }
    try { return d.toLocaleString(T.locale, opts); } catch (e) { return d.toLocaleString(); }
  }

  // ---------------------------------------------------------------- styles

  var CSS = [
    '#saphan-chat{all:initial;}',
    '#saphan-chat,#saphan-chat *,#saphan-chat *::before,#saphan-chat *::after{box-sizing:border-box;}',
    '#saphan-chat,#saphan-chat button,#saphan-chat textarea{font-family:"Sarabun","Noto Sans Thai","Leelawadee UI","Tahoma","Noto Sans",system-ui,sans-serif;font-size:16px;line-height:1.6;color:#1a1a1a;letter-spacing:normal;text-transform:none;}',
    '#saphan-chat [hidden]{display:none!important;}',
    '#saphan-chat .saphan-sr{position:absolute!important;width:1px!important;height:1px!important;margin:-1px!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;white-space:nowrap!important;border:0!important;}',
    '#saphan-chat button{margin:0;text-align:center;-webkit-appearance:none;appearance:none;}',
    /* visible focus everywhere: yellow ring with a dark halo, readable on any background */
    '#saphan-chat button:focus-visible,#saphan-chat textarea:focus-visible,#saphan-chat #saphan-chat-log:focus-visible{outline:3px solid #ffbf47;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c;}',
    /* toggle */
    '#saphan-chat #saphan-chat-toggle{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:60px;height:60px;padding:0;border:2px solid #fff;border-radius:50%;background:#0b5394;color:#fff;cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.35);}',
    '#saphan-chat #saphan-chat-toggle:hover{background:#083d6e;}',
    '#saphan-chat #saphan-chat-toggle svg{width:30px;height:30px;fill:currentColor;}',
    '#saphan-chat .saphan-badge{position:absolute;top:-4px;right:-4px;min-width:24px;height:24px;padding:0 6px;border-radius:12px;background:#b3261e;color:#fff;font-size:16px;line-height:24px;font-weight:700;border:2px solid #fff;}',
    /* panel */
    '#saphan-chat #saphan-chat-panel{position:fixed;right:16px;bottom:88px;z-index:2147483001;width:400px;max-width:calc(100vw - 32px);height:620px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border:1px solid #6b7280;border-radius:12px;box-shadow:0 10px 30px rgba(0,0,0,.3);overflow:hidden;text-align:left;}',
    '#saphan-chat .saphan-header{flex:0 0 auto;display:flex;align-items:center;justify-content:space-between;gap:8px;padding:6px 6px 6px 16px;background:#0b5394;color:#fff;}',
    '#saphan-chat .saphan-title{margin:0;font-weight:700;color:#fff;line-height:1.4;}',
    '#saphan-chat .saphan-title span{display:block;font-weight:400;color:#fff;}',
    '#saphan-chat .saphan-close{flex:0 0 auto;min-width:44px;min-height:44px;padding:0 8px;border:0;border-radius:8px;background:transparent;color:#fff;cursor:pointer;font-size:28px;line-height:1;}',
    '#saphan-chat .saphan-close:hover{background:rgba(255,255,255,.18);}',
    /* connection status */
    '#saphan-chat .saphan-status{flex:0 0 auto;display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;padding:0 16px;background:#fff4e5;color:#4d3200;}',
    '#saphan-chat .saphan-status--on{padding:6px 16px;border-bottom:1px solid #d9b98a;}',
    '#saphan-chat .saphan-status button{min-height:36px;padding:2px 12px;border:2px solid #4d3200;border-radius:18px;background:#fff;color:#4d3200;cursor:pointer;}',
    /* log */
    '#saphan-chat #saphan-chat-log{flex:1 1 auto;min-height:0;overflow-y:auto;overscroll-behavior:contain;padding:12px;display:flex;flex-direction:column;gap:12px;background:#f5f6f8;}',
    '#saphan-chat .saphan-msg{display:flex;flex-direction:column;max-width:85%;}',
    '#saphan-chat .saphan-msg--citizen{align-self:flex-end;align-items:flex-end;}',
    '#saphan-chat .saphan-msg--bot,#saphan-chat .saphan-msg--agent{align-self:flex-start;align-items:flex-start;}',
    '#saphan-chat .saphan-msg--system,#saphan-chat .saphan-notice{align-self:center;align-items:center;text-align:center;max-width:95%;}',
    '#saphan-chat .saphan-meta{color:#4b5563;margin:0 4px 2px;}',
    '#saphan-chat .saphan-bubble{margin:0;padding:8px 12px;border:1px solid transparent;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;}',
    '#saphan-chat .saphan-msg--citizen .saphan-bubble{background:#0b5394;color:#fff;border-bottom-right-radius:4px;}',
    '#saphan-chat .saphan-msg--bot .saphan-bubble{background:#fff;border-color:#b8bec6;border-bottom-left-radius:4px;}',
    '#saphan-chat .saphan-msg--agent .saphan-bubble{background:#e7f4ea;border-color:#7fb08d;border-bottom-left-radius:4px;}',
    '#saphan-chat .saphan-msg--system .saphan-bubble{background:transparent;color:#374151;padding:2px 8px;}',
    '#saphan-chat .saphan-notice{display:block;margin:0;padding:6px 12px;border:1px solid #b3261e;border-radius:8px;background:#fdecea;color:#7f1d1d;white-space:pre-wrap;overflow-wrap:anywhere;}',
    /* bot buttons */
    '#saphan-chat .saphan-buttons{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px;}',
    '#saphan-chat .saphan-buttons button{min-height:44px;padding:6px 14px;border:2px solid #0b5394;border-radius:22px;background:#fff;color:#0b5394;cursor:pointer;text-align:left;white-space:normal;overflow-wrap:anywhere;}',
    '#saphan-chat .saphan-buttons button:hover:not(:disabled){background:#e3ecf6;}',
    '#saphan-chat .saphan-buttons button:disabled{border-color:#9aa1ab;background:#eef0f2;color:#4b5563;cursor:default;}',
    '#saphan-chat .saphan-buttons button.saphan-chosen:disabled{border-color:#0b5394;background:#0b5394;color:#fff;}',
    /* typing */
    '#saphan-chat .saphan-typing{flex:0 0 auto;padding:2px 16px;color:#374151;background:#f5f6f8;}',
    '#saphan-chat .saphan-typing:empty{padding:0;}',
    '#saphan-chat .saphan-dots{display:inline-flex;gap:3px;margin-right:6px;vertical-align:middle;}',
    '#saphan-chat .saphan-dots i{width:6px;height:6px;border-radius:50%;background:#4b5563;animation:saphan-blink 1.2s infinite ease-in-out;}',
    '#saphan-chat .saphan-dots i:nth-child(2){animation-delay:.2s;}',
    '#saphan-chat .saphan-dots i:nth-child(3){animation-delay:.4s;}',
    '@keyframes saphan-blink{0%,80%,100%{opacity:.25;}40%{opacity:1;}}',
    /* form */
    '#saphan-chat .saphan-form{flex:0 0 auto;margin:0;padding:8px;border-top:1px solid #b8bec6;background:#fff;}',
    '#saphan-chat .saphan-row{display:flex;align-items:flex-end;gap:8px;}',
    '#saphan-chat #saphan-chat-input{flex:1 1 auto;display:block;width:100%;min-height:50px;max-height:160px;margin:0;padding:8px 10px;border:2px solid #6b7280;border-radius:8px;background:#fff;color:#1a1a1a;resize:none;overflow-y:auto;}',
    '#saphan-chat #saphan-chat-input::placeholder{color:#5f6670;opacity:1;}',
    '#saphan-chat #saphan-chat-input[aria-invalid="true"]{border-color:#b3261e;}',
    '#saphan-chat #saphan-chat-input[readonly]{background:#eef0f2;color:#374151;}',
    '#saphan-chat #saphan-chat-send{flex:0 0 auto;min-height:50px;padding:0 14px;border:0;border-radius:8px;background:#0b5394;color:#fff;font-weight:700;cursor:pointer;}',
    '#saphan-chat #saphan-chat-send:hover:not(:disabled){background:#083d6e;}',
    '#saphan-chat #saphan-chat-send:disabled{background:#d5d9de;color:#374151;cursor:not-allowed;}',
    '#saphan-chat .saphan-feedback{margin:4px 2px 0;color:#b3261e;}',
    '#saphan-chat .saphan-feedback:empty{margin:0;}',
    '#saphan-chat .saphan-counter{margin:2px 2px 0;color:#4b5563;text-align:right;}',
    /* mobile: full viewport */
    '@media (max-width:480px){#saphan-chat #saphan-chat-panel{top:0;right:0;bottom:0;left:0;width:100%;max-width:none;height:100%;max-height:none;border:0;border-radius:0;}}',
    '@media (prefers-reduced-motion:reduce){#saphan-chat .saphan-dots i{animation:none;opacity:.7;}}',
    '@media (forced-colors:active){#saphan-chat .saphan-bubble,#saphan-chat .saphan-notice,#saphan-chat #saphan-chat-panel{border:1px solid CanvasText;}#saphan-chat button:focus-visible,#saphan-chat textarea:focus-visible,#saphan-chat #saphan-chat-log:focus-visible{outline-color:Highlight;}}',
    '@media print{#saphan-chat{display:none!important;}}'
  ].join('\n');

  // ---------------------------------------------------------------- DOM

  function build() {
    if (!document.getElementById('saphan-chat-style')) {
      var style = h('style', { id: 'saphan-chat-style' });
      style.textContent = CSS;
      (document.head || document.documentElement).appendChild(style);
    }

    var icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z');
    icon.appendChild(path);

    var badge = h('span', { class: 'saphan-badge', 'aria-hidden': 'true', hidden: true });
    var toggle = h('button', {
      id: 'saphan-chat-toggle', type: 'button', 'aria-expanded': 'false',
      'aria-controls': 'saphan-chat-panel', 'aria-label': BI.toggle, title: BI.toggle
    }, [icon, badge]);

    var closeBtn = h('button', {
      class: 'saphan-close', type: 'button', 'aria-label': BI.close, title: BI.close
    }, ['\u00D7']);

    var header = h('div', { class: 'saphan-header' }, [
      h('p', { class: 'saphan-title', lang: 'th' }, [BI.titleTh, h('span', { lang: 'en' }, [BI.titleEn])]),
      closeBtn
    ]);

    var statusText = h('span', { id: 'saphan-chat-status', role: 'status' });
    var retryBtn = h('button', { type: 'button', hidden: true });
    setBiLabel(retryBtn, BI.retry);
    var status = h('div', { class: 'saphan-status' }, [statusText, retryBtn]);

    var log = h('div', {
      id: 'saphan-chat-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
      'aria-label': BI.log, tabindex: '0'
    });

    // Always rendered (empty when idle) so screen readers announce changes.
    var typing = h('div', { class: 'saphan-typing', role: 'status' });

    var label = h('label', { for: 'saphan-chat-input', class: 'saphan-sr' }, [BI.input]);
    var hint = h('span', { id: 'saphan-chat-hint', class: 'saphan-sr' }, [T.hint]);
    var input = h('textarea', {
      id: 'saphan-chat-input', rows: '2', placeholder: T.placeholder,
      'aria-describedby': 'saphan-chat-feedback saphan-chat-hint', autocomplete: 'off',
      enterkeyhint: 'send', spellcheck: 'true'
    });
    var sendBtn = h('button', { id: 'saphan-chat-send', type: 'submit', disabled: true });
    setBiLabel(sendBtn, BI.send);
    var feedback = h('p', { id: 'saphan-chat-feedback', class: 'saphan-feedback', role: 'alert' });
    var counter = h('p', { class: 'saphan-counter', 'aria-hidden': 'true', hidden: true });
    var form = h('form', { class: 'saphan-form', novalidate: true }, [
      label, hint,
      h('div', { class: 'saphan-row' }, [input, sendBtn]),
      feedback, counter
    ]);

    var panel = h('div', {
      id: 'saphan-chat-panel', role: 'dialog', 'aria-label': BI.title, hidden: true
    }, [header, status, log, typing, form]);

    var root = h('div', { id: 'saphan-chat', lang: LANG }, [toggle, panel]);
    document.body.appendChild(root);

    ui = {
      root: root, toggle: toggle, badge: badge, panel: panel, close: closeBtn,
      status: status, statusText: statusText, retry: retryBtn, log: log,
      typing: typing, form: form, input: input,
      send: sendBtn, feedback: feedback, counter: counter
    };

    toggle.addEventListener('click', function () { if (isOpen) closePanel(false); else openPanel(true); });
    closeBtn.addEventListener('click', function () { closePanel(true); });
    retryBtn.addEventListener('click', function () { connectNow(); });
    root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && isOpen && !e.isComposing) {
        e.preventDefault();
        closePanel(true);
      }
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey &&
          !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submit();
      }
    });
    input.addEventListener('input', function () {
      clearFeedback();
      updateCounter();
      autosize();
    });

    window.addEventListener('online', function () { if (started) connectNow(); });
    window.addEventListener('offline', function () { if (started && !ready) setStatus('offline'); });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && started && !ws) connectNow();
    });
    window.addEventListener('pageshow', function (e) { if (e.persisted && started && !ws) connectNow(); });
  }

  // ---------------------------------------------------------------- panel

  function openPanel(moveFocus) {
    if (!ui) { queued.push(function () { openPanel(moveFocus); }); return; }
    if (!isOpen) {
      isOpen = true;
      ui.panel.hidden = false;
      ui.toggle.setAttribute('aria-expanded', 'true');
      unread = 0;
      updateBadge();
      scrollToBottom();
    }
    start();
    if (moveFocus) ui.input.focus();
  }

  function closePanel(returnFocus) {
    if (!ui) { queued.push(function () { closePanel(returnFocus); }); return; }
    var hadFocus = ui.panel.contains(document.activeElement);
    if (isOpen) {
      isOpen = false;
      ui.panel.hidden = true;
      ui.toggle.setAttribute('aria-expanded', 'false');
    }
    if (returnFocus || hadFocus) ui.toggle.focus();
  }

  function updateBadge() {
    if (unread > 0) {
      ui.badge.textContent = unread > 9 ? '9+' : String(unread);
      ui.badge.hidden = false;
      ui.toggle.setAttribute('aria-label', BI.toggle + ' (' + unread + ' ' + BI.unread + ')');
    } else {
      ui.badge.hidden = true;
      ui.toggle.setAttribute('aria-label', BI.toggle);
    }
  }

  function setStatus(kind) {
    var text = kind ? BI[kind] : '';
    if (ui.statusText.textContent !== text) ui.statusText.textContent = text;
    ui.status.classList.toggle('saphan-status--on', !!kind);
    ui.retry.hidden = !(kind && kind !== 'connecting' && !ws);
  }

  function setTyping(active) {
    clearTimeout(typingTimer);
    var on = !!ui.typing.firstChild;
    if (active && !on) {
      ui.typing.appendChild(h('span', { class: 'saphan-dots', 'aria-hidden': 'true' }, [h('i'), h('i'), h('i')]));
      ui.typing.appendChild(document.createTextNode(BI.typing));
    } else if (!active && on) {
      ui.typing.textContent = '';
    }
    if (active) typingTimer = setTimeout(function () { setTyping(false); }, TYPING_TIMEOUT);
  }

  function isNearBottom() {
    var log = ui.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function autosize() {
    var input = ui.input;
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 4, 160) + 'px';
  }

  function updateCounter() {
    var n = countChars(ui.input.value);
    ui.counter.hidden = n < COUNTER_FROM;
    if (n >= COUNTER_FROM) ui.counter.textContent = format(T.counter, n);
  }

  function showFeedback(text, invalid) {
    ui.feedback.textContent = text;
    if (invalid) ui.input.setAttribute('aria-invalid', 'true');
  }

  function clearFeedback() {
    if (ui.feedback.textContent) ui.feedback.textContent = '';
    ui.input.removeAttribute('aria-invalid');
  }

  function updateSend() {
    var busy = !!pending;
    ui.send.disabled = !ready || busy;
    setBiLabel(ui.send, busy ? BI.sending : BI.send);
    ui.input.readOnly = busy;
    if (busy) ui.input.setAttribute('aria-busy', 'true'); else ui.input.removeAttribute('aria-busy');
  }

  // ---------------------------------------------------------------- log

  function disableButtonGroups() {
    var buttons = ui.log.querySelectorAll('.saphan-buttons button:not(:disabled)');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  function renderButtons(buttons) {
    var group = h('div', { class: 'saphan-buttons', role: 'group', 'aria-label': BI.options });
    buttons.forEach(function (b) {
      if (!b || typeof b.title !== 'string' || !b.title.trim()) return;
      var title = wellFormed(b.title);
      var payload = typeof b.payload === 'string' ? wellFormed(b.payload) : null;
      var btn = h('button', { type: 'button' });
      btn.textContent = title;
      btn.addEventListener('click', function () {
        if (btn.disabled) return;
        var frame = { type: 'message', text: title };
        if (payload !== null) frame.payload = payload;
        if (!sendFrame(frame)) { showFeedback(T.notConnected, false); return; }
        clearFeedback();
        var all = group.querySelectorAll('button');
        for (var i = 0; i < all.length; i++) all[i].disabled = true;
        btn.classList.add('saphan-chosen');
        ui.input.focus(); // the pressed button is now disabled
      });
      group.appendChild(btn);
    });
    return group.childNodes.length ? group : null;
  }

  function renderMessage(m, live) {
    if (!m || typeof m !== 'object') return;
    var id = (typeof m.id === 'string' || typeof m.id === 'number') ? String(m.id) : null;
    if (id !== null && seen.has(id)) return;
    if (id !== null) seen.add(id);

    var sender = SENDERS.indexOf(m.sender) >= 0 ? m.sender : 'system';
    var text = typeof m.text === 'string' ? m.text : '';
    var atBottom = isNearBottom();

    // Whatever the citizen says next answers (or skips) earlier bot buttons.
    if (sender === 'citizen') disableButtonGroups();
    if (sender === 'bot' || sender === 'agent') setTyping(false);

    var el = h('div', {
      class: 'saphan-msg saphan-msg--' + sender,
      lang: validLang(m.language) ? m.language : LANG
    });
    if (id !== null) el.setAttribute('data-id', id);

    var meta = h('div', { class: 'saphan-meta', lang: LANG });
    var who = h('span', { class: sender === 'bot' || sender === 'agent' ? 'saphan-sender' : 'saphan-sender saphan-sr' });
    who.textContent = T.sender[sender] + (sender === 'bot' || sender === 'agent' ? '' : ':');
    meta.appendChild(who);
    var time = formatTime(m.created_at);
    if (time) {
      meta.appendChild(document.createTextNode(' '));
      var t = h('time', { datetime: m.created_at });
      t.textContent = time;
      meta.appendChild(t);
    }
    el.appendChild(meta);

    var bubble = h('div', { class: 'saphan-bubble' });
    bubble.textContent = text; // never innerHTML: text may contain markup
    el.appendChild(bubble);

    if (sender !== 'citizen' && Array.isArray(m.buttons) && m.buttons.length) {
      var group = renderButtons(m.buttons);
      if (group) el.appendChild(group);
    }

    ui.log.appendChild(el);

    if (sender === 'citizen' && pending && sameText(text, pending.text)) resolvePending(true);
    if (live && !isOpen && sender !== 'citizen') { unread++; updateBadge(); }
    if (atBottom || sender === 'citizen' || !live) scrollToBottom();
  }

  function renderNotice(text) {
    var atBottom = isNearBottom();
    var el = h('p', { class: 'saphan-notice saphan-notice--error' });
    el.textContent = text; // hub text, still never as HTML
    ui.log.appendChild(el);
    if (atBottom) scrollToBottom();
  }

  function renderHistory(history, newConversation) {
    var log = ui.log;
    var rendered = log.querySelectorAll('.saphan-msg[data-id]');
    var allHaveIds = log.querySelectorAll('.saphan-msg').length === rendered.length;
    var prefix = !newConversation && allHaveIds && rendered.length <= history.length;
    for (var i = 0; prefix && i < rendered.length; i++) {
      var m = history[i];
      prefix = !!m && String(m.id) === rendered[i].getAttribute('data-id');
    }
    log.setAttribute('aria-busy', 'true');
    if (prefix) {
      // Same conversation, nothing lost: only add what is new. This avoids
      // re-reading the whole history to screen reader users on reconnect.
      history.slice(rendered.length).forEach(function (m) { renderMessage(m, false); });
    } else {
      log.textContent = '';
      seen.clear();
      history.forEach(function (m) { renderMessage(m, false); });
    }
    setTimeout(function () { log.removeAttribute('aria-busy'); }, 50);
    scrollToBottom();
  }

  // ---------------------------------------------------------------- sending

  function sendFrame(frame) {
    if (!ws || !ready || ws.readyState !== 1) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      return false;
    }
  }

  function submit() {
    if (pending) return;
    var text = wellFormed(ui.input.value).trim();
    if (!text) { showFeedback(T.empty, true); return; }
    var n = countChars(text);
    if (n > MAX_CHARS) { showFeedback(format(T.tooLong, n), true); return; }
    if (!sendFrame({ type: 'message', text: text })) { showFeedback(T.notConnected, false); return; }
    clearFeedback();
    unconfirmed = null;
    pending = {
      text: text,
      timer: setTimeout(function () {
        resolvePending(false);
        showFeedback(T.noConfirm, false);
      }, PENDING_TIMEOUT)
    };
    updateSend();
  }

  // The hub echoed the text (clear the input) or the send failed (keep it).
  function resolvePending(delivered) {
    if (!pending) return;
    clearTimeout(pending.timer);
    pending = null;
    if (delivered) {
      ui.input.value = '';
      updateCounter();
      autosize();
    }
    updateSend();
  }

  // ---------------------------------------------------------------- socket

  function start() {
    if (started) return;
    started = true;
    connect();
  }

  function connectNow() {
    clearTimeout(retryTimer);
    retryTimer = null;
    connect();
  }

  function connect() {
    if (ws || !WS_URL) return;
    var sock;
    try {
      sock = new WebSocket(WS_URL);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    ready = false;
    setStatus(navigator.onLine === false ? 'offline' : (everConnected ? 'reconnecting' : 'connecting'));
    sock.binaryType = 'arraybuffer';

    sock.onopen = function () {
      if (sock !== ws) return;
      try { sock.send(JSON.stringify({ type: 'hello', session_token: loadToken() })); } catch (e) { /* onclose follows */ }
      welcomeTimer = setTimeout(function () { if (sock === ws && !ready) sock.close(); }, WELCOME_TIMEOUT);
    };
    sock.onmessage = function (ev) {
      if (sock !== ws) return;
      var data = ev.data;
      if (typeof data !== 'string') {
        try { data = new TextDecoder('utf-8').decode(data); } catch (e) { return; }
      }
      onFrame(data);
    };
    sock.onerror = function () { /* a close event always follows */ };
    sock.onclose = function () {
      if (sock !== ws) return;
      ws = null;
      ready = false;
      clearTimeout(welcomeTimer);
      setTyping(false);
      if (pending) { unconfirmed = pending.text; resolvePending(false); }
      updateSend();
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    clearTimeout(retryTimer);
    var delay = Math.min(BACKOFF_MAX, BACKOFF_MIN * Math.pow(2, attempt));
    delay = Math.max(BACKOFF_MIN, Math.min(BACKOFF_MAX, delay * (0.85 + Math.random() * 0.3)));
    attempt++;
    setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, delay);
  }

  function onFrame(data) {
    var f;
    try { f = JSON.parse(data); } catch (e) { return; }
    if (!f || typeof f !== 'object') return;

    switch (f.type) {
      case 'welcome': {
        clearTimeout(welcomeTimer);
        if (typeof f.session_token === 'string' && f.session_token) saveToken(f.session_token);
        var conv = typeof f.conversation_id === 'string' || typeof f.conversation_id === 'number'
          ? String(f.conversation_id) : null;
        var history = Array.isArray(f.history) ? f.history : [];
        renderHistory(history, conv !== conversationId);
        conversationId = conv;
        // A text in flight when the connection dropped may have been stored.
        if (unconfirmed !== null) {
          var lastCitizen = null;
          for (var i = history.length - 1; i >= 0; i--) {
            if (history[i] && history[i].sender === 'citizen') { lastCitizen = history[i]; break; }
          }
          if (lastCitizen && sameText(lastCitizen.text, unconfirmed) && sameText(ui.input.value, unconfirmed)) {
            ui.input.value = '';
            updateCounter();
            autosize();
          }
          unconfirmed = null;
        }
        ready = true;
        everConnected = true;
        attempt = 0;
        setStatus(null);
        updateSend();
        break;
      }
      case 'message':
        renderMessage(f, true);
        break;
      case 'typing':
        setTyping(f.active === true);
        break;
      case 'error': {
        var text = typeof f.message === 'string' && f.message
          ? f.message
          : T.error + (typeof f.code === 'string' ? ': ' + f.code : '');
        renderNotice(text);
        if (pending) {
          resolvePending(false); // keep the text so the citizen can fix it
          if (f.code === 'empty_message' || f.code === 'message_too_long') {
            ui.input.setAttribute('aria-invalid', 'true');
          }
        }
        break;
      }
      default:
        break; // unknown frames are ignored (forward compatible)
    }
  }

  // ---------------------------------------------------------------- init

  function init() {
    if (document.getElementById('saphan-chat')) return;
    build();
    updateSend();
    if (OPEN_AT_LOAD) openPanel(false); // do not steal focus from the page at load
    else if (loadToken()) start();       // resume an existing conversation
    var q = queued;
    queued = [];
    q.forEach(function (fn) { fn(); });
  }

  window.SaphanChat = Object.freeze({
    open: function () { openPanel(true); },
    close: function () { closePanel(false); }
  });

  if (document.readyState === 'loading' || !document.body) {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
