// Draws the daily chart of the analytics dashboard from /api/v1/analytics/daily with ECharts.
document.addEventListener('DOMContentLoaded', function () {
  var element = document.getElementById('daily-chart');
  if (!element || typeof echarts === 'undefined') {
    return;
  }
  element.style.height = '320px';
  fetch(element.dataset.url, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(function (series) {
      if (!series.days) {
        return;
      }
      var locale = document.documentElement.lang === 'ru' ? 'RU' : 'EN';
      var chart = echarts.init(element, null, { locale: locale });
      chart.setOption({
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
});
