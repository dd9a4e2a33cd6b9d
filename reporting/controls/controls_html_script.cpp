// The controls report page's script: draws the charts as SVG from the JSON
// embedded in the page (<script type="application/json" id="report-data">).
// Text from records goes in through textContent only. Each chart element
// carries data-* attributes (reason, hour, count; channel, node) so a test
// in a real browser can check what was drawn against the data.
#include "reporting/controls/controls_html.hpp"

namespace cwts::report {

const char* controls_report_script() {
  return R"JS(
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b',
                 '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var a = attrs || {};
    a.x = x; a.y = y;
    var t = el('text', a, parent);
    t.textContent = s;
    return t;
  }
  function svg(container, w, h, cls) {
    return el('svg', {'class': 'chart ' + cls, width: w, height: h, viewBox: '0 0 ' + w + ' ' + h,
                      role: 'img'}, container);
  }

  // Rejects per hour, stacked by reason.
  function rejectsChart() {
    var box = document.getElementById('rejects-chart');
    var per = data.orders.rejects_per_hour;
    var reasons = Object.keys(per);
    if (!box || reasons.length === 0) return;
    var W = 860, H = 260, L = 50, B = 40, T = 10, R = 10;
    var totals = [];
    for (var h = 0; h < 24; h++) {
      var s = 0;
      reasons.forEach(function (r) { s += per[r][h] || 0; });
      totals.push(s);
    }
    var max = Math.max.apply(null, totals.concat([1]));
    var s = svg(box, W, H, 'rejects-chart');
    var bw = (W - L - R) / 24;
    el('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#333'}, s);
    el('line', {x1: L, y1: T, x2: L, y2: H - B, stroke: '#333'}, s);
    text(s, L - 6, T + 10, String(max), {'text-anchor': 'end', 'class': 'axis'});
    text(s, L - 6, H - B, '0', {'text-anchor': 'end', 'class': 'axis'});
    for (var hour = 0; hour < 24; hour++) {
      var y = H - B;
      text(s, L + hour * bw + bw / 2, H - B + 14, String(hour).padStart(2, '0'),
           {'text-anchor': 'middle', 'class': 'axis'});
      reasons.forEach(function (r, i) {
        var n = per[r][hour] || 0;
        if (n === 0) return;
        var bh = n / max * (H - B - T);
        y -= bh;
        var rect = el('rect', {'class': 'bar', x: L + hour * bw + 2, y: y, width: bw - 4, height: bh,
                               fill: palette[i % palette.length], 'data-reason': r,
                               'data-hour': hour, 'data-count': n}, s);
        el('title', {}, rect).textContent = r + ': ' + n + ' at ' + hour + ':00 UTC';
      });
    }
    text(s, (W + L) / 2, H - 6, 'hour of the day (UTC)', {'text-anchor': 'middle', 'class': 'axis'});
    var legend = document.createElement('div');
    legend.className = 'legend';
    reasons.forEach(function (r, i) {
      var item = document.createElement('span');
      item.className = 'legend-item';
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = palette[i % palette.length];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(r));
      legend.appendChild(item);
    });
    box.appendChild(legend);
  }

  // One kill: each channel's start and measured time, in ms after the kill
  // was accepted on this node.
  function killTimeline(box, kill) {
    var ch = kill.channels;
    if (ch.length === 0) return;
    var ms = function (ns) { return ns / 1e6; };
    var end = 0;
    ch.forEach(function (c) { end = Math.max(end, ms(c.start_offset_ns + c.duration_ns)); });
    end = end > 0 ? end * 1.1 : 1;
    var L = 220, R = 70, row = 22, T = 10, W = 860, H = T + ch.length * row + 30;
    var s = svg(box, W, H, 'kill-timeline-chart');
    var x = function (v) { return L + Math.max(0, v) / end * (W - L - R); };
    el('line', {x1: L, y1: T + ch.length * row + 2, x2: W - R, y2: T + ch.length * row + 2,
                stroke: '#333'}, s);
    ch.forEach(function (c, i) {
      var y = T + i * row;
      var label = c.node + ' ' + c.channel + (c.venue ? ' ' + c.venue : '');
      text(s, L - 8, y + 14, label, {'text-anchor': 'end', 'class': 'label'});
      var x0 = x(ms(c.start_offset_ns)), x1 = x(ms(c.start_offset_ns + c.duration_ns));
      var rect = el('rect', {'class': 'channel-bar' + (c.ok ? '' : ' failed'), x: x0, y: y + 3,
                             width: Math.max(2, x1 - x0), height: row - 6,
                             fill: c.ok ? '#2ca02c' : '#d62728', 'data-channel': c.channel,
                             'data-node': c.node, 'data-duration-ns': c.duration_ns}, s);
      el('title', {}, rect).textContent = label + ': ' + ms(c.duration_ns).toFixed(3) + ' ms'
        + (c.ok ? '' : ' FAILED ' + c.error);
      text(s, Math.max(x0, x1) + 4, y + 14, ms(c.duration_ns).toFixed(3) + ' ms', {'class': 'value'});
    });
    text(s, L, T + ch.length * row + 18, '0 ms', {'class': 'axis'});
    text(s, W - R, T + ch.length * row + 18, end.toFixed(1) + ' ms after the kill was accepted',
         {'text-anchor': 'end', 'class': 'axis'});
  }

  // Clock offsets against the venue over the day.
  function clockChart() {
    var box = document.getElementById('clock-chart');
    var points = data.clock.filter(function (c) { return !c.failed; });
    if (!box || points.length === 0) return;
    var W = 860, H = 200, L = 50, B = 30, T = 10, R = 10;
    var lo = 0, hi = 0;
    points.forEach(function (c) { lo = Math.min(lo, c.offset_ms); hi = Math.max(hi, c.offset_ms); });
    if (hi === lo) { hi += 1; lo -= 1; }
    var s = svg(box, W, H, 'clock-chart');
    var x = function (ns) { return L + (ns - data.from_ns) / (data.to_ns - data.from_ns) * (W - L - R); };
    var y = function (v) { return T + (hi - v) / (hi - lo) * (H - B - T); };
    el('line', {x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: '#999', 'stroke-dasharray': '4 3'}, s);
    el('line', {x1: L, y1: T, x2: L, y2: H - B, stroke: '#333'}, s);
    text(s, L - 6, y(hi) + 4, hi + ' ms', {'text-anchor': 'end', 'class': 'axis'});
    text(s, L - 6, y(lo) + 4, lo + ' ms', {'text-anchor': 'end', 'class': 'axis'});
    [0, 6, 12, 18, 24].forEach(function (h) {
      text(s, x(data.from_ns + h * 3600e9), H - 10, String(h).padStart(2, '0') + ':00',
           {'text-anchor': h === 24 ? 'end' : 'middle', 'class': 'axis'});
    });
    points.forEach(function (c) {
      var p = el('circle', {'class': 'clock-point', cx: x(c.ts_ns), cy: y(c.offset_ms), r: 4,
                            fill: '#1f77b4', 'data-offset-ms': c.offset_ms}, s);
      el('title', {}, p).textContent = c.ts_ns_utc + ' offset ' + c.offset_ms + ' ms'
        + (c.rtt_us === null ? '' : ', rtt ' + c.rtt_us + ' us');
    });
  }

  rejectsChart();
  var boxes = document.querySelectorAll('.kill-timeline');
  for (var i = 0; i < boxes.length; i++)
    killTimeline(boxes[i], data.kills[Number(boxes[i].getAttribute('data-kill-index'))]);
  clockChart();
  document.body.setAttribute('data-charts', 'drawn');
})();
)JS";
}

} // namespace cwts::report
