# Infrastructure inventory: API errors, the site, host and environment pages.

## Errors

inventory-unknown-reference = No object has the id { $value }. Check the id or create the object first.
inventory-rack-other-site = Rack “{ $rack }” is not at site { $site }. Choose a rack of that site, or leave the site out to take the rack's.
inventory-host-initial-status = A new host can only be planned or active, got “{ $value }”. Create the host and move it through the lifecycle step by step.

## Pages

nav-infra = Infrastructure
inventory-hosts-title = Hosts
inventory-host-title = Host
inventory-environments-title = Environments
inventory-environment-title = Environment
inventory-environment-request = Created for ticket
inventory-sites-title = Sites
inventory-hosts-search = Technical name
inventory-filter-any-status = Any status
inventory-hosts-count = { $count ->
    [one] { $count } host
   *[other] { $count } hosts
}
inventory-hosts-empty = No hosts.
inventory-environments-empty = No environments.
inventory-sites-empty = No sites.
inventory-clients-empty = No clients.
inventory-section-host = Host
inventory-section-clients = Clients
inventory-field-name = Name
inventory-field-technical-name = Technical name
inventory-field-kind = Kind
inventory-field-status = Status
inventory-field-site = Site
inventory-field-rack = Rack
inventory-field-cluster = Cluster
inventory-field-cores = Cores
inventory-field-ram = RAM
inventory-field-storage = Storage
inventory-field-cloud = Cloud
inventory-field-racks = Racks
inventory-field-zabbix-host-id = Zabbix hostid
inventory-field-zabbix-seen = Seen in Zabbix
inventory-field-zabbix-missing = Missing in Zabbix since
inventory-gibibytes = { $value } GiB
inventory-host-undescribed = not described
inventory-host-kind-physical = physical
inventory-host-kind-virtual = virtual
inventory-host-status-planned = planned
inventory-host-status-active = active
inventory-host-status-decommissioning = decommissioning
inventory-host-status-retired = retired
inventory-host-step-active = Put into service
inventory-host-step-decommissioning = Start decommissioning
inventory-host-step-retired = Retire
inventory-host-step-planned = Plan
inventory-done-status = The host's status has changed.
inventory-environment-kind-dev = development
inventory-environment-kind-test = test
inventory-environment-kind-staging = staging
inventory-environment-kind-prod = production
inventory-site-kind-own_data_centre = own data centre
inventory-site-kind-colocation = colocation
inventory-site-kind-cloud_region = cloud region

## Releases and deployments

inventory-unknown-service = Service “{ $value }” not found. Check the name or create the service first.
inventory-unknown-environment = Environment “{ $value }” not found. Check the name or create the environment first.
inventory-fix-not-bug = Ticket { $number } is of kind “{ $kind }”, but only bugs are linked to a release.
inventory-deployed-in-future = Deployment time { $value } is later than now. Send the time the deployment finished, in UTC.
inventory-section-running = What runs here
inventory-section-deployments = Recent deployments
inventory-running-empty = No service is deployed yet.
inventory-deployments-empty = No deployments yet.
inventory-field-service = Service
inventory-field-version = Version
inventory-field-deployed-at = When
inventory-field-deployed-by = Who
inventory-field-result = Result
inventory-deployment-result-succeeded = succeeded
inventory-deployment-result-failed = failed
inventory-deployment-result-rolled_back = rolled back

## Capacity

inventory-capacity-resource-unknown = The name of metric { $metric } does not tell which resource it measures. Set resource to cpu, memory, disk or network.
inventory-capacity-metric-unknown = The host has no metric “{ $value }”. Check the metric's name.
inventory-section-capacity = Capacity
inventory-capacity-empty = No utilisation metrics in percent. Import them with vitrina import metrics.
inventory-capacity-current = Utilisation (95th percentile of daily peaks)
inventory-capacity-target = Target
inventory-capacity-headroom = Headroom to target, points
inventory-capacity-exhaustion = Until 100 %
inventory-capacity-eta-already = already reached
inventory-capacity-eta-never = not on the current trend
inventory-capacity-eta-days = { $days } days
inventory-capacity-basis = Days with data: { $days }, trend points: { $points }.
inventory-capacity-action-keep = keep as is
inventory-capacity-action-scale_up = scale up by ×{ $factor }
inventory-capacity-action-add_nodes = { $count ->
    [one] add { $count } node
   *[other] add { $count } nodes
}
inventory-capacity-action-move_to_cloud = move load to the cloud and order ×{ $factor } capacity
inventory-capacity-action-shrink = shrink to { $factor } of today's capacity
inventory-capacity-resource-cpu = CPU
inventory-capacity-resource-memory = memory
inventory-capacity-resource-disk = disk
inventory-capacity-resource-network = network

## Tickets

inventory-ticket-title = Infrastructure
inventory-ticket-host = Inventory host
inventory-ticket-host-unknown = not in the inventory
inventory-ticket-clients = Affected clients
inventory-ticket-fixed-in = Fixed in release
inventory-ticket-shops = Affected shops
inventory-section-shops = Shops
inventory-shops-empty = No shops.

# Forecast section of the host card
inventory-forecast-title = Forecast
inventory-forecast-no-metrics = The host has no metrics. Import them with vitrina import metrics or from Zabbix.
inventory-forecast-metric = Metric
inventory-forecast-fit = Fit
inventory-forecast-fit-holt_winters = Holt-Winters (seasonal)
inventory-forecast-season = Season
inventory-forecast-season-auto = automatic
inventory-forecast-season-daily = daily
inventory-forecast-season-weekly = weekly
inventory-forecast-window = Window
inventory-forecast-horizon = Horizon
inventory-forecast-threshold = Threshold
inventory-forecast-apply = Show
inventory-forecast-help = Window: all, #N (the last N values) or a duration (30d, 24h). Horizon: a duration up to 90d. The band is the 95 % prediction interval. The seasonal model needs two full seasons of data: two days or two weeks.
inventory-forecast-points = Points in the window
inventory-forecast-r2 = R²
inventory-forecast-crossing = Threshold crossing
inventory-forecast-crossing-no-threshold = no threshold
inventory-forecast-crossing-up = upwards at { $time }
inventory-forecast-crossing-down = downwards at { $time }
inventory-forecast-crossing-stays-above = above the threshold until the horizon
inventory-forecast-crossing-stays-below = below the threshold until the horizon
inventory-forecast-clamped = Clamped to 0–100 %
inventory-forecast-clamped-yes = yes
inventory-forecast-clamped-no = no
inventory-forecast-clamped-badge = The forecast left 0–100 % and was clamped
inventory-forecast-series-history = History
inventory-forecast-series-fitted = Fit over the window
inventory-forecast-series-forecast = Forecast
inventory-forecast-series-band = 95 % band

## Inventory, release and deployment forms

inventory-form-not-integer = “{ $value }” is not a whole number. Type the number in digits, without spaces or units.
inventory-form-size-invalid = The size “{ $value }” is not a number. Type a number (a comma or a dot before the fraction) and choose the unit beside it.
inventory-form-time-invalid = The time “{ $value }” is invalid or skipped by a clock change. Enter the date and time as YYYY-MM-DD HH:MM.
inventory-form-none = — none —
inventory-form-choose = — choose —
inventory-form-reload = Open the current version
inventory-form-save = Save
inventory-form-edit = Edit
inventory-form-zabbix-hint = Optional. The hostid number from the host's page in Zabbix.
inventory-form-cloud-hint = For a cloud region only: the provider, the account or folder at the provider, and the region code, such as ru-central1.
inventory-form-version-hint = If no release has this version yet, it is recorded with the deployment.
inventory-size-unit-gibibytes = GiB
inventory-size-unit-mebibytes = MiB
inventory-size-unit-bytes = bytes
inventory-field-cloud-provider = Provider
inventory-field-cloud-account = Account
inventory-field-cloud-region = Region
inventory-field-description = Description
inventory-field-hosts = Hosts
inventory-field-clients = Clients
inventory-field-shops = Shops
inventory-field-environment = Environment
inventory-field-notes = Notes
inventory-field-created-at = Recorded
inventory-field-created-by = Recorded by
inventory-host-new-title = New host
inventory-host-edit-title = Edit host
inventory-back-to-host = ← Back to the host
inventory-done-host-created = Host added.
inventory-done-host-saved = Host saved.
inventory-site-title = Site
inventory-site-new-title = New site
inventory-site-edit-title = Edit site
inventory-back-to-site = ← Back to the site
inventory-site-hosts = Hosts at this site
inventory-done-site-created = Site added.
inventory-done-site-saved = Site saved.
inventory-racks-empty = No racks.
inventory-rack-name = Rack name
inventory-rack-add = Add rack
inventory-done-rack-created = Rack added.
inventory-clusters-title = Clusters
inventory-clusters-empty = No clusters.
inventory-cluster-new-title = New cluster
inventory-cluster-add = Create cluster
inventory-done-cluster-created = Cluster created.
inventory-environment-new-title = New environment
inventory-environment-edit-title = Edit environment
inventory-back-to-environment = ← Back to the environment
inventory-done-environment-created = Environment created.
inventory-done-environment-saved = Environment saved.
nav-releases = Releases
inventory-releases-title = Releases
inventory-releases-empty = No releases.
inventory-filter-any-service = Any service
inventory-filter-apply = Show
inventory-release-title = Release
inventory-release-new-title = New release
inventory-release-fixes = Fixed bugs
inventory-release-fixes-empty = No bug ticket is linked to this release.
inventory-done-release-created = Release recorded.
inventory-deployment-new-title = Record a deployment
inventory-done-deployment-recorded = Deployment recorded.
inventory-ticket-link-release = Link to release
