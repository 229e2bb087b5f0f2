// Rendering of the hall display's board: textContent only, so nothing from the feed ever
// becomes markup. queuecallRender.board(board) redraws everything; .flash() marks a new call.
var queuecallRender = (function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function render(board) {
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

  return { board: render, flash: flash };
})();
