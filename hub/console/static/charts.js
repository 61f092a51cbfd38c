/*
 * Bar charts as inline SVG for the console's report page (no chart library).
 *
 * SaphanCharts.bars({title, labels, series: [{name, colour, values}], max, format, counts, tableCaption})
 * draws one bar per label, the series stacked (``counts``: whole numbers, so no
 * axis line at a fraction), and answers the <figure>: the
 * SVG is an image named by the title, followed by the same figures as a table
 * for screen readers and keyboard users.
 */
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const WIDTH = 760;
  const HEIGHT = 240;
  const MARGIN = { top: 12, right: 12, bottom: 36, left: 48 };
  const MAX_X_LABELS = 12;

  function svgElement(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, String(value)));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function htmlElement(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
  function niceMax(value) {
    if (value <= 0) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value);
  }

  function bars({ title, labels, series, max, format, counts, tableCaption }) {
    const totals = labels.map((label, index) => series.reduce((sum, one) => sum + (one.values[index] || 0), 0));
    const top = max || niceMax(Math.max(0, ...totals));
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const slot = plotWidth / Math.max(1, labels.length);
    const barWidth = Math.max(2, Math.min(48, slot * 0.7));
    const y = (value) => MARGIN.top + plotHeight - (value / top) * plotHeight;

    const svg = svgElement('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, class: 'chart', role: 'img', 'aria-label': title });
    [0, top / 2, top].filter((tick) => !counts || Number.isInteger(tick)).forEach((tick) => {
      svg.append(svgElement('line', { class: 'axis', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick), 'stroke-dasharray': tick ? '3 3' : '' }));
      svg.append(svgElement('text', { x: MARGIN.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, format(tick)));
    });
    const every = Math.ceil(labels.length / MAX_X_LABELS);
    labels.forEach((label, index) => {
      const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
      let base = 0;
      series.forEach((one) => {
        const value = one.values[index] || 0;
        if (value > 0) {
          const bar = svgElement('rect', { x, y: y(base + value), width: barWidth, height: y(base) - y(base + value), fill: one.colour });
          bar.append(svgElement('title', {}, label + ' · ' + one.name + ': ' + format(value)));
          svg.append(bar);
        }
        base += value;
      });
      if (index % every === 0) {
        svg.append(svgElement('text', { x: x + barWidth / 2, y: HEIGHT - MARGIN.bottom + 16, 'text-anchor': 'middle' }, label));
      }
    });

    const figure = htmlElement('figure', { class: 'chart-figure' });
    figure.append(htmlElement('figcaption', {}, title));
    if (series.length > 1) {
      const legend = htmlElement('ul', { class: 'legend', 'aria-hidden': 'true' });
      series.forEach((one) => {
        const item = htmlElement('li');
        const swatch = htmlElement('span', { class: 'legend-swatch' });
        swatch.style.background = one.colour;
        item.append(swatch, one.name);
        legend.append(item);
      });
      figure.append(legend);
    }
    figure.append(svg);

    const details = htmlElement('details');
    details.append(htmlElement('summary', {}, tableCaption));
    const table = htmlElement('table', { class: 'data-table' });
    const head = htmlElement('tr');
    head.append(htmlElement('th', { scope: 'col' }, ''));
    series.forEach((one) => head.append(htmlElement('th', { scope: 'col', class: 'number' }, one.name)));
    const body = htmlElement('tbody');
    labels.forEach((label, index) => {
      const row = htmlElement('tr');
      row.append(htmlElement('th', { scope: 'row' }, label));
      series.forEach((one) => row.append(htmlElement('td', { class: 'number' }, one.values[index] === null ? '–' : format(one.values[index] || 0))));
      body.append(row);
    });
    const thead = htmlElement('thead');
    thead.append(head);
    table.append(thead, body);
    details.append(table);
    figure.append(details);
    return figure;
  }

  window.SaphanCharts = { bars };
})();
