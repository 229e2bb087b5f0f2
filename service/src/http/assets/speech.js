// Speech for the hall display: texts are said one at a time in the order queued, with a
// local voice of their language (never a network voice: the hall may have no internet). The
// one being said is never cancelled; the next starts on its end or error, or after a
// watchdog for engines that never report the end. With no voice the board keeps showing.
// options: hook (spoken, voices), serverNow(), staleMs (skip what waited longer), hint (an
// element shown when the browser wants a click or key press before it may speak).
var queuecallSpeech = function (options) {
  'use strict';
  var synth = window.speechSynthesis;
  var supported = !!synth && typeof window.SpeechSynthesisUtterance === 'function';
  var queue = [];
  var busy = false;
  var blocked = false; // the browser wants a user gesture first
  var voices = [];
  var current = null; // keeps the utterance alive until it ends (else onend may never fire)

  function loadVoices() {
    voices = (supported && synth.getVoices()) || [];
    options.hook.voices = voices.length;
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
    if (options.serverNow() - item.at > options.staleMs) { pump(); return; }
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
        options.hint.hidden = false;
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
    options.hint.hidden = true;
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
      options.hook.spoken.push(text);
      queue.push({ text: text, lang: lang, at: at });
      pump();
    },
    current: function () { return current; }
  };
};
