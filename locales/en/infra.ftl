# Infrastructure and capacity: inventory, units, metric series, forecasts, advice.

## Inventory

infra-site-placement-not-cloud = Provider, account and region belong to cloud regions only, and this site is { $kind }. Remove the cloud fields or choose cloud_region.
infra-host-resource-not-positive = The value must be above zero, got { $value }. Enter the host's cores and RAM.
infra-rack-cloud-site = Site “{ $value }” is a cloud region, which has no racks of ours. Add the rack to an own data centre or a colocation site.
infra-host-resource-too-large = The value { $value } is too large; the maximum is { $max }. Check the number and its unit.
infra-host-resource-negative = Storage cannot be negative, got { $value }. Enter 0 for a diskless host.
infra-zabbix-host-id-invalid = A Zabbix host id must be a positive integer (hostid), got "{ $value }". Copy the hostid from Zabbix.

## Units

infra-unit-period-missing = Unit { $unit } needs the sampling period in seconds, because values are divided by it to become rates. Enter the period, such as 300 for five-minute CloudWatch data.
infra-unit-period-invalid = The sampling period must be a positive number of seconds, got { $value }.
infra-unit-not-finite = Value { $value } is not a finite number. Fix or remove the row.
infra-unit-percent-out-of-range = A percentage must be between 0 and 100, got { $value } ({ $unit }). Check the source's unit.
infra-unit-below-absolute-zero = Temperature { $value } ({ $unit }) is below absolute zero. Check whether the source reports Celsius or Fahrenheit.
infra-unit-negative = Value { $value } ({ $unit }) cannot be negative. If it is a counter, import the series as counter.
infra-unit-incompatible = { $from } cannot be converted to { $to }: they measure different things.

## Metric series

infra-window-invalid = Window "{ $value }" is not valid. Enter all, a count of last values (#100) or a duration (7d, 24h, 30m).
infra-duration-invalid = Duration "{ $value }" is not valid. Enter a positive whole number of seconds with an optional suffix s, m, h, d or w, such as 24h.
infra-series-not-increasing = Timestamps must increase, but { $time } repeats or precedes the one before. Prepare the series through the import, which sorts values and removes repeats.
infra-series-row-invalid = Row "{ $row }" is not "timestamp,value". Expected, for example, 2014-04-02 14:29:00,42.65.
infra-series-timestamp-invalid = Timestamp "{ $value }" is not valid. Expected YYYY-MM-DD HH:MM:SS in UTC, such as 2014-04-02 14:29:00.
infra-series-value-invalid = Value "{ $value }" is not a number. Use a dot as the decimal separator.
infra-series-counter-unit = Only bytes can be imported as a counter, got unit { $unit }. Choose series kind gauge or unit bytes.
infra-metric-unit-mismatch = Metric { $metric } is already stored in { $stored }, but the import gives { $unit }. Import it in the same unit or under another metric name.

## Forecasts

infra-fit-polynomial-degree = The polynomial degree in "{ $value }" must be 1 to 6, as in Zabbix: polynomial1 … polynomial6.
infra-forecast-no-values = Window { $window } holds no values, so there is nothing to forecast from. Widen the window or check that data is being collected.
infra-forecast-nonpositive-value = Fit { $fit } needs values above zero, and the window holds { $value }. Choose linear or polynomial, or a window without zeros.
infra-forecast-singular = Fit { $fit } is not determined by these values because the points are too close together. Widen the window or choose a simpler fit.
infra-forecast-too-few-values = Fit { $fit } needs at least { $needed } values, and the window holds { $points }. Widen the window or lower the polynomial degree.
infra-forecast-overflow = Fit { $fit } overflows floating-point numbers at a horizon of { $horizon } s. Shorten the horizon or choose linear.
infra-forecast-horizon-before-window = Fit { $fit } is defined only after the window's first value, and horizon { $horizon } s reaches before it. Shorten the negative horizon.
infra-forecast-horizon-too-long = The horizon { $value } is longer than { $max }. Give a horizon from 1 second to { $max }, such as 7d.
infra-threshold-invalid = Threshold { $value } is not a finite number. Enter a number in the series' unit.
infra-threshold-percent-out-of-range = A percentage threshold must be between 0 and 100, got { $value }.
infra-holt-winters-fallback = The Holt-Winters seasonal model ({ $season }) needs at least { $needed } hours of data, and there are { $hours }. A linear forecast is shown instead; collect two full seasons.

## Capacity advice

infra-capacity-target-missing = Resource { $resource } has no default target utilisation. Enter one in percent, such as 80.
infra-capacity-target-invalid = The target utilisation must be above 0 and at most 100 %, got { $value }.
infra-capacity-shrink-invalid = The shrink threshold ({ $value } %) must be at least 0 and below the target of { $target } %.
infra-capacity-period-invalid = The lead time ({ $lead_time } s) cannot be negative, and the low-use period ({ $shrink_after } s) must be above zero.
infra-capacity-needs-percent = Advice needs utilisation in percent, and this series is in { $unit }. Choose a utilisation metric.
infra-capacity-no-nodes = A cluster or site needs at least one node. Enter the number of nodes.
infra-advice-over-target = Peak use (95th percentile of daily peaks) of { $current } % is already above the { $target } % target.
infra-advice-crosses-target = On the current trend, peak use reaches { $projected } % within the hardware lead time ({ $weeks } weeks), against a { $target } % target.
infra-advice-exhaustion-before-lead-time = Use reaches 100 % before hardware can arrive (lead time { $weeks } weeks). Move part of the load to the cloud now and order capacity.
infra-advice-cloud-personal-data = Personal data of Russian citizens may move only to a cloud region in Russia (Federal law 152-FZ).
infra-advice-low-use = Daily peaks stayed at or below { $peak } % (threshold { $below } %) for the last { $days } days. Capacity can be reduced.
infra-advice-shrink-minimum = Use is low, but the node count is already at its minimum ({ $nodes }). Keep it, or make the nodes smaller.
infra-advice-within-target = Projected peak use over the lead time, { $projected } %, stays within the { $target } % target. No action is needed.
infra-advice-trend-unknown = Data covers one day only, so the trend is unknown. The advice rests on current use alone.
