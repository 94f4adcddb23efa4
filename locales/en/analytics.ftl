# Analytics: storefront event intake, bot address ranges, REES46 import.
# Russian (locales/ru/analytics.ftl) is the source of truth; keep the same keys here.

## Event batch POST /api/v1/events

analytics-batch-not-array = The request body must be a JSON object with an array of events in the field events: {"{"}"events": [{"{"} … {"}"}]{"}"}.
analytics-batch-too-large = Too many events in one batch: { $count }; the maximum is { $max }. Split the batch into several requests.
analytics-event-not-object = An event must be a JSON object with the fields id, type, time and visitor.

## Event fields

analytics-field-missing = The required field "{ $field }" is missing. Provide a value.
analytics-field-not-text = The field "{ $field }" must be a string, but received: { $value }. Send the value in quotes.
analytics-field-too-long = The field "{ $field }" is too long: { $length } characters, the maximum is { $max }. Shorten the value.
analytics-type-unknown = Unknown event type "{ $value }". Allowed types: { $allowed }.
analytics-time-invalid = The event time "{ $value }" is not RFC 3339. Give date, time and time zone, for example 2026-03-01T10:15:00Z or 2026-03-01T13:15:00+03:00.
analytics-time-in-future = The event time { $value } is more than a day after it was received ({ $received }). Check the clock of the device that sends the events.
analytics-time-too-early = The event time { $value } is before { $earliest }. Such times come from a device whose clock is not set (1970) or from a time sent in the wrong unit. Check the clock and the time format.
analytics-ip-invalid = "{ $value }" is not an IP address. Send an IPv4 (203.0.113.7) or IPv6 (2001:db8::1) address, or leave the ip field out.
analytics-amount-not-integer = The amount in "{ $field }" must be an integer in kopecks (the currency's minor unit), but received: { $value }. For example, 19,990.00 ₽ is 1999000.
analytics-amount-negative = The amount in "{ $field }" is negative: { $value }. Send a positive amount, and report returned money with a refund event.
analytics-amount-too-large = The amount in "{ $field }" is too large: { $value }; the maximum is { $max }. Check that the amount is in kopecks and was not multiplied twice.
analytics-quantity-invalid = The quantity { $value } is invalid: it must be an integer from 1 to { $max }.
analytics-currency-invalid = The currency field holds { $value }, which is not a currency code. Give a three-letter ISO 4217 code such as RUB, USD or EUR, or leave the currency field out (the default is RUB).
analytics-currency-unknown = The currency code { $value } is not accepted. Give a three-letter active ISO 4217 code of a currency that shops are paid in, such as RUB, USD, EUR, KZT or CNY. Withdrawn codes (RUR) and codes that name no currency of payment (XXX, XTS, XAU) are not accepted.
analytics-refund-order-missing = The refund has no order number in the field order_id. Name the order whose money was returned.
analytics-refund-amount-missing = The refund has no amount. Send the returned amount in kopecks in the field revenue_kopecks.
analytics-refund-order-unknown = Order "{ $order }" was not found: no purchase of it has been received. Send the purchase event first, then the refund.
analytics-refund-currency = The refund of order "{ $order }" is in { $value }, but the order was paid in { $order_currency }. Send the refund in the order's currency.
analytics-refund-before-purchase = The refund of order "{ $order }" is dated { $value }, before the order's purchase at { $purchase_time }. Check the refund's time.
analytics-refund-exceeds-order = The refund of order "{ $order }" of { $value } exceeds what is left of the order: { $remaining } (order amount { $order_amount }, refunded already { $refunded }; all in minor units of the currency). Check the refund amount.
analytics-order-repeat-earlier = Order "{ $order }" is already recorded with the amount { $stored_amount } and its first purchase at { $stored }, so the purchase at { $value } with another amount ({ $amount }) was not accepted: the amount of the first stored purchase counts, and an earlier purchase with another amount would replace it. If the order changed, send a refund or a new order.

## Data-centre address ranges

analytics-ip-range-invalid = Line { $line } of the data-centre ranges contains "{ $value }", which is neither a CIDR network nor an IP address. Correct the line, for example to 203.0.113.0/24.

## REES46 import (CSV)

analytics-rees46-header = The file header is not a REES46 header: "{ $found }". Expected columns: { $expected }.
analytics-rees46-columns = Line { $line } has { $count } columns instead of { $expected }. Check the separators and quotes on that line.
analytics-rees46-time = The time "{ $value }" on line { $line } is not in the REES46 format. Expected the form 2019-10-01 00:00:00 UTC.
analytics-rees46-type = Unknown event type "{ $value }" on line { $line }. Allowed: view, cart, remove_from_cart, purchase.
analytics-rees46-price = The price "{ $value }" on line { $line } is invalid. Expected a non-negative number of roubles with a dot and at most two decimals, such as 35.79.
analytics-rees46-empty = The column "{ $column }" is empty on line { $line }. Fill it in or remove the line from the file.
analytics-events-unavailable = The events database is not connected to this server, so analytics is unavailable. Tell the administrator.
analytics-batch-json = The request body is not JSON: parsing stopped at line { $line }, column { $column }. Check the quotes, commas and brackets near there.
analytics-key-invalid = The ingestion key was not accepted. Send the shop's key in the Authorization: Bearer header; the command vitrina shop add issues it.
analytics-shop-mismatch = The key belongs to shop "{ $key_shop }", but the batch names shop "{ $value }". Send each shop's events with that shop's own key.

## Bank of Russia rates (CSV)

analytics-rates-header = The rates file header is "{ $found }", but date,currency,rate or date,currency,nominal,rate is expected.
analytics-rates-columns = Line { $line } has { $count } columns instead of { $expected }. Check the separators and quotes on that line.
analytics-rates-date = The date "{ $value }" on line { $line } is not in the form YYYY-MM-DD, such as 2026-03-01.
analytics-rates-currency = "{ $value }" on line { $line } is not a foreign currency code. Give a three-letter ISO 4217 code such as USD; the rouble has no rate to load.
analytics-rates-nominal = The nominal "{ $value }" on line { $line } must be a positive integer, such as 1 or 100.
analytics-rates-value = The rate "{ $value }" on line { $line } must be a positive number of roubles with at most four decimals, such as 92.5058.

## Summary GET /api/v1/analytics/summary

analytics-date-invalid = The date "{ $value }" is not in the form YYYY-MM-DD, such as 2026-03-01.
analytics-range-reversed = The range starts on { $from }, after its end { $to }. Swap the dates.
analytics-range-too-long = The range is too long: { $days } days, the maximum is { $max }. Shorten the range.
analytics-dashboard-no-shop = Your company has no shop on the platform yet, so there are no analytics to show. A shop appears here once it is created for your company; ask your account manager.
analytics-date-too-early = The date { $value } is before { $earliest }, the earliest date that events are accepted for. Give a later date.
analytics-date-too-late = The date { $value } is after { $latest }, a year from today. Check the year and give an earlier date.
analytics-shop-unknown = Shop "{ $value }" was not found. Check the shop's slug.

## Shops

shop-slug-invalid = The slug "{ $value }" is invalid: use 2 to 64 lower-case Latin letters, digits and hyphens, without a hyphen at either end, such as flowers-spb.
shop-zone-invalid = "{ $value }" is not an IANA time zone. Give a zone such as Europe/Moscow or Asia/Yekaterinburg.
shop-client-unknown = Client number { $value } was not found. Check the client number.
shop-slug-taken = A shop with the slug "{ $value }" exists already. Choose another slug.

## Dashboard page /analytics

analytics-dashboard-title = Shop analytics
analytics-dashboard-shop = Shop (slug)
analytics-dashboard-platform = whole platform
analytics-dashboard-from = From
analytics-dashboard-to = To
analytics-dashboard-zone = Time zone of the days
analytics-dashboard-window = Visitors are counted by the id the shop sends, without an identity window.
analytics-dashboard-estimated = ≈ Visitors and visitor conversion of a range longer than a day are estimated with HyperLogLog sketches of each day; the standard error is 0.81 %. Visits, orders and revenue are exact.
analytics-dashboard-visitors = Visitors
analytics-dashboard-sessions = Sessions
analytics-dashboard-page-views = Page views
analytics-dashboard-product-views = Product views
analytics-dashboard-add-to-carts = Adds to cart
analytics-dashboard-orders = Orders
analytics-dashboard-revenue-gross = Revenue before refunds
analytics-dashboard-revenue-net = Revenue after refunds
analytics-dashboard-refunds = Refunds
analytics-dashboard-average-order = Average order value
analytics-dashboard-kopecks = kopecks
analytics-dashboard-conversion-visitors = Conversion by visitors
analytics-dashboard-conversion-sessions = Conversion by sessions
analytics-dashboard-unconverted = Some amounts are left out of revenue because their currency has no Bank of Russia rate. Load rates with vitrina import rates.

nav-analytics = Analytics

## Rollup reports: breakdowns, heatmap, exports

analytics-limit-invalid = The row limit "{ $value }" is invalid: give an integer from 1 to { $max }.
analytics-breakdown-note = The tables below count events from the daily rollups, each shop on its own calendar days, and compare them with the same number of days before the range. Purchases here are purchase events, so an order sent twice counts twice; the orders above are deduplicated.
analytics-breakdown-category = Category
analytics-breakdown-source = Traffic source
analytics-breakdown-device = Device
analytics-breakdown-previous = Previous period
analytics-breakdown-change = Change
analytics-breakdown-purchases = Purchases
analytics-breakdown-empty = No events in this range.
analytics-change-new = new
analytics-change-points = { $value } pp
analytics-heatmap-title = Who looks at what: visitor segments × categories
analytics-heatmap-share = Share of the segment's product views
analytics-heatmap-purchases-per-view = Purchases per product view
analytics-heatmap-segment = Segment
analytics-heatmap-conversion = Conversion
analytics-heatmap-products = Products
analytics-heatmap-note = Segments are set per shop day: a visitor is new on the first day the shop received their events; registered when they sent a customer id that day; a buyer when they purchased that day. Price tiers are thirds of the prices of the products viewed in the category that day. Visitors and conversion are counted per day, so a visitor seen on two days counts twice.
analytics-dimension-recency = New and returning
analytics-dimension-device = Device
analytics-dimension-source = Traffic source
analytics-dimension-account = Registered and guests
analytics-dimension-buyer = Buyers and non-buyers
analytics-dimension-price-tier = Price tier
analytics-products-title = Products of a heatmap cell
analytics-products-note = The products that visitors of the segment viewed, added to cart and bought in this category; the sums over all products equal the cell's numbers.
analytics-products-count = Products
analytics-products-product = Product
analytics-min-volume-invalid = The minimum volume "{ $value }" is invalid: give a non-negative integer.
analytics-trends-title = Market trends
analytics-trends-date = Last day
analytics-trends-period = Compare
analytics-trends-week = week over week
analytics-trends-month = month over month
analytics-trends-metric = Measure
analytics-trends-current = Current period
analytics-trends-note = The previous period has as many days as the current one so far. Categories are top-level; rankings leave out categories below the minimum volume.
analytics-trends-growing = Fastest growing categories
analytics-trends-falling = Fastest falling categories
analytics-trends-new = New categories
analytics-trends-all = All categories
analytics-funnel-title = Visit funnel
analytics-funnel-note = A visit counts at every step it did. A purchase without a cart event still counts as a purchase, and the visit counts as having reached the cart.
analytics-funnel-step = Step
analytics-funnel-did = Visits with the step
analytics-funnel-reached = Reached the step or a later one
analytics-funnel-share = Share of all visits
analytics-funnel-skipped = Skipped an earlier step
analytics-funnel-product-view = Product view
analytics-funnel-add-to-cart = Add to cart
analytics-funnel-checkout = Checkout
analytics-funnel-purchase = Purchase

## Column headers of analytics exports (CSV and XLSX)

analytics-export-category = Category
analytics-export-source = Traffic source
analytics-export-device = Device class
analytics-export-page-views = Page views
analytics-export-previous-page-views = Page views, previous period
analytics-export-page-views-change = Page views change (fraction)
analytics-export-product-views = Product views
analytics-export-previous-product-views = Product views, previous period
analytics-export-add-to-carts = Adds to cart
analytics-export-checkouts = Checkouts
analytics-export-purchases = Purchases
analytics-export-refunds = Refunds
analytics-export-share-of-segment = Share of segment
analytics-export-purchases-per-view = Purchases per product view
analytics-export-current = Current period
analytics-export-previous = Previous period
analytics-export-growth = Growth (fraction)
analytics-export-recency = New or returning
analytics-export-account = Registered or guest
analytics-export-buyer = Buyer or not
analytics-export-price-tier = Price tier
analytics-export-visitors = Visitors (visitor-days)
analytics-export-buyers = Buyers (visitor-days)
analytics-export-conversion = Conversion (fraction)
analytics-export-shop = Shop
analytics-export-product-id = Product
analytics-export-current-kopecks = Current period, kopecks
analytics-export-previous-kopecks = Previous period, kopecks

## Top products

analytics-top-products-title = Top products by revenue
analytics-top-products-note = A product's revenue is price × quantity over the order lines with the product, converted to roubles at the Bank of Russia rate. An order line counts once even when the purchase is sent twice, so the products add up to the revenue above only for orders without delivery or discounts. Views and adds to cart are the period's events.
analytics-top-products-count = Products sold in the period: { $count }
analytics-top-products-revenue = Revenue
analytics-top-products-units = Units sold
analytics-top-products-incomplete = Some order lines have no price or no exchange rate: their revenue is left out, while their orders and units count.
analytics-export-revenue-kopecks = Revenue, kopecks
analytics-export-previous-revenue-kopecks = Revenue, previous period, kopecks
analytics-export-revenue-change = Revenue change (fraction)
analytics-export-orders = Orders
analytics-export-units = Units sold
analytics-export-lines-without-revenue = Order lines without revenue
