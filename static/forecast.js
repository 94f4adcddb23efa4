// Draws the host card's forecast chart with ECharts from the JSON block #forecast-data, which
// contains the same report as GET /api/v1/hosts/{id}/forecast: the history, the fitted values,
// the forecast with its prediction band, and the threshold as a horizontal line.
function forecastPairs(points, key) {
  return points.map(function (point) { return [point.time, point[key]]; });
}

// Returns the value axis. When the data stays below the threshold, the axis top is raised above
// it so that the line stays in view. Otherwise ECharts picks a rounded top.
function yAxis(report) {
  var axis = { type: 'value' };
  var top = -Infinity;
  report.history.concat(report.fitted).forEach(function (point) { top = Math.max(top, point.value); });
  report.forecast.forEach(function (point) { top = Math.max(top, point.upper); });
  if (report.threshold !== null && report.threshold > top) {
    axis.max = Math.ceil(report.threshold * 1.1);
  }
  return axis;
}

function drawForecast(element, report) {
  var labels = element.dataset;
  var locale = document.documentElement.lang === 'ru' ? 'RU' : 'EN';
  element.style.height = '360px';
  var chart = echarts.init(element, null, { locale: locale });
  var threshold = report.threshold;
  var forecast = {
    name: labels.forecast,
    type: 'line',
    showSymbol: false,
    data: forecastPairs(report.forecast, 'value')
  };
  if (threshold !== null) {
    forecast.markLine = {
      symbol: 'none',
      silent: true,
      lineStyle: { color: '#dc3545', type: 'dashed' },
      label: { position: 'insideEndTop', formatter: labels.threshold + ': ' + threshold },
      data: [{ yAxis: threshold }]
    };
  }
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: {},
    grid: { left: 50, right: 30 },
    xAxis: { type: 'time' },
    yAxis: yAxis(report),
    series: [
      { name: labels.history, type: 'line', showSymbol: false, data: forecastPairs(report.history, 'value') },
      { name: labels.fitted, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: forecastPairs(report.fitted, 'value') },
      // The band is the lower edge plus a stacked area of height upper − lower.
      { name: labels.band, type: 'line', stack: 'band', stackStrategy: 'all', showSymbol: false, lineStyle: { opacity: 0 }, tooltip: { show: false }, data: forecastPairs(report.forecast, 'lower') },
      {
        name: labels.band,
        type: 'line',
        stack: 'band',
        stackStrategy: 'all',
        showSymbol: false,
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.25 },
        tooltip: { show: false },
        data: report.forecast.map(function (point) { return [point.time, point.upper - point.lower]; })
      },
      forecast
    ]
  });
  element.dataset.drawn = 'true';
}

document.addEventListener('DOMContentLoaded', function () {
  var element = document.getElementById('forecast-chart');
  var data = document.getElementById('forecast-data');
  if (typeof echarts === 'undefined' || !element || !data) {
    return;
  }
  drawForecast(element, JSON.parse(data.textContent));
});
