// Hall display: keeps the board from the branch's server-sent events and speaks each new
// call with the browser's own speech synthesis, one at a time. Works with no internet: no
// library, no web font, local voices only. Plain ES2015 for older TV browsers.
(function () {
  'use strict';

  var STALE_MS = 2 * 60 * 1000; // a call older than this is shown but not spoken
  var KEEP_CALLS = 10;
  var body = document.body;
  var serverNowAtLoad = Number(body.getAttribute('data-server-now'));
  var skew = isFinite(serverNowAtLoad) ? serverNowAtLoad - Date.now() : 0;
  var timeZone = body.getAttribute('data-time-zone') || undefined;
  var layout = readLayout();
  var eventsUrl = location.pathname.replace(/\/+$/, '') + '/events';

  // The test hook: what was queued for speech, the last event id seen, the connection.
  var hook = window.__queuecall = { spoken: [], lastEventId: 0, connected: false, board: null, voices: 0 };

  var board = null;
  var perPerson = {}; // service id -> seconds per person per open window, from a snapshot
  var announced = {}; // "<ticket id>#<recall>" -> true
  var gotSnapshot = false;

  function serverNow() { return Date.now() + skew; }

  function readLayout() {
    try {
      return JSON.parse(document.getElementById('layout').textContent);
    } catch (e) {
      return { services: [] };
    }
  }

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // ---- speech: one at a time, never cancelled, advanced on end / error / watchdog ----

  var speech = (function () {
    var synth = window.speechSynthesis;
    var supported = !!synth && typeof window.SpeechSynthesisUtterance === 'function';
    var queue = [];
    var busy = false;
    var blocked = false; // the browser wants a user gesture first
    var voices = [];
    var current = null; // keeps the utterance alive until it ends (else onend may never fire)

    function loadVoices() {
      voices = (supported && synth.getVoices()) || [];
      hook.voices = voices.length;
    }

    function norm(lang) { return String(lang || '').replace('_', '-').toLowerCase(); }

    // A local voice for `lang` (zh-CN first, then any zh); never a network voice, which
    // fails without internet.
    function pick(lang) {
      var want = norm(lang);
      var family = want.split('-')[0];
      var exact = null;
      var near = null;
      for (var i = 0; i < voices.length; i++) {
        var v = voices[i];
        if (!v.localService) continue;
        var l = norm(v.lang);
        if (l === want && !exact) exact = v;
        if (l.split('-')[0] === family && !near) near = v;
      }
      return exact || near;
    }

    function watchdogMs(text) { return Math.min(30000, 4000 + 400 * text.length); }

    function pump() {
      if (busy || blocked || queue.length === 0) return;
      var item = queue.shift();
      if (serverNow() - item.at > STALE_MS) { pump(); return; }
      var voice = supported ? pick(item.lang) : null;
      // With no local voice for the language there is nothing to say it with; the board
      // still shows the call. (An empty list may just not be loaded yet: try the default.)
      if (!supported || (!voice && voices.length > 0)) { setTimeout(pump, 0); return; }
      busy = true;
      var utterance = new SpeechSynthesisUtterance(item.text);
      utterance.lang = item.lang;
      if (voice) utterance.voice = voice;
      utterance.rate = item.lang.indexOf('zh') === 0 ? 0.85 : 0.9;
      utterance.volume = 1;
      current = utterance;
      var finished = false;
      var timer = null;
      function done(event) {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        current = null;
        busy = false;
        if (event && event.error === 'not-allowed') {
          blocked = true;
          queue.unshift(item);
          $('sound-hint').hidden = false;
          return;
        }
        setTimeout(pump, 600);
      }
      utterance.onend = done;
      utterance.onerror = done;
      timer = setTimeout(done, watchdogMs(item.text));
      try { synth.speak(utterance); } catch (e) { done(null); }
    }

    function unblock() {
      $('sound-hint').hidden = true;
      if (!blocked) return;
      blocked = false;
      pump();
    }

    if (supported) {
      loadVoices();
      if (synth.addEventListener) synth.addEventListener('voiceschanged', loadVoices);
      else synth.onvoiceschanged = loadVoices;
    }
    document.addEventListener('click', unblock);
    document.addEventListener('keydown', unblock);

    return {
      say: function (text, lang, at) {
        if (!text) return;
        hook.spoken.push(text);
        queue.push({ text: text, lang: lang, at: at });
        pump();
      },
      current: function () { return current; }
    };
  })();

  function callKey(call) { return call.ticket_id + '#' + call.recall_count; }

  // Speaks a call once, unless it is too old (a replay after a long disconnection).
  function announce(call) {
    var key = callKey(call);
    if (announced[key]) return;
    announced[key] = true;
    var at = Date.parse(call.at);
    if (!isFinite(at) || serverNow() - at > STALE_MS) return;
    speech.say(call.announcement.speech || call.announcement.text, 'zh-CN', at);
    if (call.announcement.english) speech.say(call.announcement.english, 'en-US', at);
  }

  // ---- the board ----

  function applySnapshot(snapshot) {
    var first = !gotSnapshot;
    gotSnapshot = true;
    var calls = snapshot.recent_calls || [];
    // The first snapshot is history; a later one (after falling behind or a resume that was
    // too old) may hold calls this screen never saw: speak those that are fresh.
    for (var i = 0; i < calls.length; i++) {
      if (first) announced[callKey(calls[i])] = true;
      else announce(calls[i]);
    }
    board = snapshot;
    board.recent_calls = calls.slice(-Math.max(KEEP_CALLS, calls.length));
    perPerson = {};
    board.services.forEach(function (s) {
      if (s.waiting > 0) perPerson[s.id] = s.estimated_wait_seconds * openWindowsFor(s.id) / s.waiting;
    });
    hook.board = board;
    if (calls.length) flash();
    render();
  }

  function applyEvent(event) {
    if (!board) return;
    if (event.kind === 'called') {
      var call = event.call;
      board.recent_calls.push(call);
      if (board.recent_calls.length > KEEP_CALLS) board.recent_calls.shift();
      board.windows.forEach(function (w) {
        if (w.number === call.window) {
          w.ticket_id = call.ticket_id;
          w.ticket_number = call.number;
          w.ticket_state = 'called';
        }
      });
      announce(call);
      flash();
    } else if (event.kind === 'window_changed') {
      var found = false;
      board.windows = board.windows.map(function (w) {
        if (w.number !== event.window.number) return w;
        found = true;
        return event.window;
      });
      if (!found) board.windows.push(event.window);
    } else if (event.kind === 'queue_changed') {
      board.services.forEach(function (s) {
        if (s.id === event.service_id) s.waiting = event.waiting;
      });
    }
    board.services.forEach(function (s) { s.estimated_wait_seconds = estimate(s); });
    render();
  }

  function serviceLayout(id) {
    for (var i = 0; i < layout.services.length; i++) {
      if (layout.services[i].id === id) return layout.services[i];
    }
    return null;
  }

  function openWindowsFor(serviceId) {
    var served = serviceLayout(serviceId);
    if (!served || !board) return 1;
    var open = board.windows.filter(function (w) {
      return w.state === 'open' && served.windows.indexOf(w.number) >= 0;
    }).length;
    return Math.max(1, open);
  }

  function estimate(service) {
    var seconds = perPerson[service.id];
    if (seconds === undefined) {
      var served = serviceLayout(service.id);
      seconds = served ? served.seed_seconds : 300;
    }
    return Math.round(service.waiting * seconds / openWindowsFor(service.id));
  }

  // ---- rendering (textContent only: nothing from the feed becomes markup) ----

  function render() {
    if (!board) return;
    var calls = board.recent_calls;
    var latest = calls.length ? calls[calls.length - 1] : null;
    $('branch-name').textContent = board.branch_name;
    $('now').classList.toggle('idle', !latest);
    if (latest) {
      $('now-number').textContent = latest.number;
      $('now-window-no').textContent = String(latest.window);
      $('now-window-name').textContent = latest.window_name;
      $('now-text').textContent = latest.announcement.text;
      $('now-english').textContent = latest.announcement.english;
    }
    renderRecent(calls, latest);
    renderWindows(board.windows);
    renderServices(board.services);
  }

  function renderRecent(calls, latest) {
    var list = $('recent');
    list.textContent = '';
    var shown = {};
    if (latest) shown[latest.ticket_id] = true;
    for (var i = calls.length - 2; i >= 0 && list.children.length < 6; i--) {
      var call = calls[i];
      if (shown[call.ticket_id]) continue;
      shown[call.ticket_id] = true;
      var item = el('li');
      item.appendChild(el('span', 'num', call.number));
      var win = el('span', 'win', call.window + '号窗口');
      if (call.recall_count > 0) win.appendChild(el('span', 'recall', '重呼 ' + call.recall_count));
      item.appendChild(win);
      list.appendChild(item);
    }
    list.hidden = list.children.length === 0;
    $('recent-empty').hidden = list.children.length > 0;
  }

  var STATE_LABELS = { open: '服务中', paused: '暂停服务', closed: '已关闭' };
  var TICKET_LABELS = { called: '呼叫中', serving: '办理中' };

  function renderWindows(windows) {
    var list = $('windows');
    list.textContent = '';
    var cols = windows.length > 16 ? 3 : windows.length > 8 ? 2 : 1;
    var rows = Math.max(6, Math.ceil(windows.length / cols));
    list.classList.toggle('dense', cols === 3);
    list.style.setProperty('--cols', String(cols));
    list.style.setProperty('--rows', String(rows));
    var font = cols === 1 ? 1.9 : cols === 2 ? 1.55 : 1.15;
    list.style.setProperty('--wfont', (rows > 8 ? font * 8 / rows : font).toFixed(2) + 'rem');
    windows.forEach(function (w) {
      var row = el('div', 'window ' + w.state + (w.ticket_state ? ' ' + w.ticket_state : ''));
      row.appendChild(el('span', 'no', String(w.number)));
      var name = el('span', 'name', w.name);
      var detail = w.state === 'paused' && w.pause_reason ? w.pause_reason
        : w.ticket_state ? TICKET_LABELS[w.ticket_state] || '' : '';
      if (detail && cols < 3) name.appendChild(el('small', null, detail));
      row.appendChild(name);
      row.appendChild(el('span', 'state', STATE_LABELS[w.state] || w.state));
      row.appendChild(el('span', 'ticket' + (w.ticket_number ? '' : ' none'), w.ticket_number || '—'));
      list.appendChild(row);
    });
  }

  function waitText(seconds, waiting) {
    if (waiting === 0) return '无需等候';
    var minutes = Math.max(1, Math.ceil(seconds / 60));
    if (minutes >= 120) return '约 ' + Math.round(minutes / 60) + ' 小时';
    return '约 ' + minutes + ' 分钟';
  }

  function renderServices(services) {
    var list = $('services');
    list.textContent = '';
    services.forEach(function (s) {
      var card = el('div', 'service');
      card.appendChild(el('span', 'prefix', s.prefix));
      card.appendChild(el('span', 'name', s.name));
      var wait = el('span', 'wait');
      wait.appendChild(document.createTextNode('等候'));
      wait.appendChild(el('b', null, String(s.waiting)));
      wait.appendChild(document.createTextNode('人 · ' + waitText(s.estimated_wait_seconds, s.waiting)));
      card.appendChild(wait);
      list.appendChild(card);
    });
  }

  function flash() {
    var now = $('now');
    now.classList.remove('flash');
    void now.offsetWidth; // restart the animation
    now.classList.add('flash');
  }

  // ---- the clock, on the server's time ----

  function format(options) {
    try {
      return new Intl.DateTimeFormat('zh-CN', Object.assign({ timeZone: timeZone }, options));
    } catch (e) {
      return new Intl.DateTimeFormat('zh-CN', options);
    }
  }
  var timeFormat = format({ hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  var dateFormat = format({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });

  function tick() {
    var now = new Date(serverNow());
    $('clock-time').textContent = timeFormat.format(now);
    $('clock-date').textContent = dateFormat.format(now);
  }

  // ---- the feed: EventSource resumes with Last-Event-ID by itself; when it gives up (an
  // HTTP error such as 503 while a replica stops) reconnect with ?after= ----

  var source = null;
  var retryMs = 1000;

  function setConnected(connected) {
    hook.connected = connected;
    $('badge').hidden = connected;
  }

  function onItem(message) {
    var item;
    try {
      item = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (item.type === 'snapshot') {
      applySnapshot(item);
      hook.lastEventId = item.last_event_id;
    } else if (item.type === 'event') {
      if (gotSnapshot && item.id <= hook.lastEventId) return; // already applied
      applyEvent(item);
      hook.lastEventId = item.id;
    }
  }

  function connect() {
    var url = gotSnapshot ? eventsUrl + '?after=' + hook.lastEventId : eventsUrl;
    source = new EventSource(url);
    source.onopen = function () {
      retryMs = 1000;
      setConnected(true);
    };
    source.onerror = function () {
      setConnected(false);
      if (source.readyState === 2) { // CLOSED: the browser will not retry by itself
        source.close();
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 15000);
      }
    };
    source.addEventListener('snapshot', onItem);
    source.addEventListener('event', onItem);
  }

  tick();
  setInterval(tick, 1000);
  connect();
})();
