// Draws the quarterly capacity report's bar chart with ECharts from the JSON block
// #capacity-data: the growth in percentage points of each resource per site.
function drawCapacity(element, data) {
  var locale = document.documentElement.lang === 'ru' ? 'RU' : 'EN';
  element.style.height = '320px';
  var chart = echarts.init(element, null, { locale: locale });
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: {},
    grid: { left: 50, right: 30 },
    xAxis: { type: 'category', data: data.sites },
    yAxis: { type: 'value', name: element.dataset.axis },
    series: data.series.map(function (series) {
      return { name: series.name, type: 'bar', data: series.data };
    })
  });
  element.dataset.drawn = 'true';
}

document.addEventListener('DOMContentLoaded', function () {
  var element = document.getElementById('capacity-chart');
  var data = document.getElementById('capacity-data');
  if (typeof echarts === 'undefined' || !element || !data) {
    return;
  }
  drawCapacity(element, JSON.parse(data.textContent));
});
