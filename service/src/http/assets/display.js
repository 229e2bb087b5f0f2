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
  // The page's access token (`?token=`), passed on: EventSource cannot set headers.
  var token = new URLSearchParams(location.search).get('token');
  var tokenParam = token ? 'token=' + encodeURIComponent(token) : '';

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

  // ---- speech: one at a time, never cancelled, advanced on end / error / watchdog ----

  var speech = queuecallSpeech({
    hook: hook, serverNow: serverNow, staleMs: STALE_MS, hint: $('sound-hint')
  });

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
    if (calls.length) queuecallRender.flash();
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
      queuecallRender.flash();
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

  function render() {
    if (board) queuecallRender.board(board);
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
    var params = [];
    if (tokenParam) params.push(tokenParam);
    if (gotSnapshot) params.push('after=' + hook.lastEventId);
    var url = params.length ? eventsUrl + '?' + params.join('&') : eventsUrl;
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
