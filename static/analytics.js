// Draws the analytics charts with ECharts: the daily series from /api/v1/analytics/daily,
// the segment x category heatmap from /api/v1/analytics/heatmap (a click opens a cell's
// products) and the category series of
// /api/v1/analytics/trends.
function analyticsChart(element, height) {
  var locale = document.documentElement.lang === 'ru' ? 'RU' : 'EN';
  element.style.height = height;
  return echarts.init(element, null, { locale: locale });
}

function drawDaily(element) {
  fetch(element.dataset.url, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (series) {
      if (!series.days) {
        return;
      }
      analyticsChart(element, '320px').setOption({
        tooltip: { trigger: 'axis' },
        legend: {},
        xAxis: { type: 'category', data: series.days.map(function (day) { return day.date; }) },
        yAxis: { type: 'value' },
        series: [
          { name: element.dataset.visitors, type: 'line', data: series.days.map(function (day) { return day.visitors; }) },
          { name: element.dataset.orders, type: 'bar', data: series.days.map(function (day) { return day.orders; }) }
        ]
      });
    });
}

function drawHeatmap(element) {
  fetch(element.dataset.url, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (matrix) {
      if (!matrix.cells || matrix.cells.length === 0) {
        return;
      }
      var segments = [];
      var categories = [];
      matrix.cells.forEach(function (cell) {
        if (segments.indexOf(cell.segment) < 0) { segments.push(cell.segment); }
        if (categories.indexOf(cell.category) < 0) { categories.push(cell.category); }
      });
      var data = matrix.cells.map(function (cell) {
        var share = cell.share_of_segment === null ? 0 : cell.share_of_segment;
        return [categories.indexOf(cell.category), segments.indexOf(cell.segment), Math.round(share * 1000) / 10];
      });
      var chart = analyticsChart(element, Math.max(160, 60 + 40 * segments.length) + 'px');
      // A click on a cell opens the page of its products.
      chart.on('click', function (point) {
        window.location.href = element.dataset.products +
          '&segment=' + encodeURIComponent(segments[point.value[1]]) +
          '&category=' + encodeURIComponent(categories[point.value[0]]);
      });
      chart.setOption({
        tooltip: { formatter: function (point) { return categories[point.value[0]] + ' / ' + segments[point.value[1]] + ': ' + point.value[2] + ' %'; } },
        grid: { left: 90, bottom: 60 },
        xAxis: { type: 'category', data: categories, axisLabel: { rotate: 30 } },
        yAxis: { type: 'category', data: segments },
        visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, show: false },
        series: [{ type: 'heatmap', data: data, label: { show: true, formatter: function (point) { return point.value[2] + ' %'; } } }]
      });
    });
}

// Lines of the daily values of the eight categories with the most in the current period.
function drawTrends(element) {
  fetch(element.dataset.url, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (trends) {
      if (!trends.series || trends.series.length === 0) {
        return;
      }
      var shown = trends.categories.slice(0, 8).map(function (trend) { return trend.category; });
      var lines = trends.series
        .filter(function (series) { return shown.indexOf(series.category) >= 0; })
        .map(function (series) { return { name: series.category, type: 'line', data: series.values }; });
      analyticsChart(element, '320px').setOption({
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll' },
        xAxis: { type: 'category', data: trends.days },
        yAxis: { type: 'value' },
        series: lines
      });
    });
}

document.addEventListener('DOMContentLoaded', function () {
  if (typeof echarts === 'undefined') {
    return;
  }
  var daily = document.getElementById('daily-chart');
  if (daily) {
    drawDaily(daily);
  }
  var heatmap = document.getElementById('heatmap-chart');
  if (heatmap) {
    drawHeatmap(heatmap);
  }
  var trends = document.getElementById('trends-chart');
  if (trends) {
    drawTrends(trends);
  }
});
