# Аналитика: приём событий витрины, диапазоны адресов ботов, импорт REES46.
# Числа в сообщениях стоят после двоеточия, чтобы не зависеть от падежа и числа.

## Пакет событий POST /api/v1/events

analytics-batch-not-array = Тело запроса должно быть JSON-объектом с массивом событий в поле events: {"{"}"events": [{"{"} … {"}"}]{"}"}.
analytics-batch-too-large = Слишком много событий в одном пакете: { $count }, допустимо не больше: { $max }. Разбейте пакет на несколько запросов.
analytics-event-not-object = Событие должно быть JSON-объектом с полями id, type, time и visitor.

## Поля события

analytics-field-missing = Не заполнено обязательное поле «{ $field }». Укажите его значение.
analytics-field-not-text = Поле «{ $field }» должно быть строкой, а получено: { $value }. Передайте значение в кавычках.
analytics-field-too-long = Поле «{ $field }» слишком длинное — символов: { $length }, допустимо не больше: { $max }. Сократите значение.
analytics-type-unknown = Неизвестный тип события «{ $value }». Допустимые типы: { $allowed }.
analytics-time-invalid = Время события «{ $value }» не в формате RFC 3339. Укажите дату, время и часовой пояс, например 2026-03-01T10:15:00Z или 2026-03-01T13:15:00+03:00.
analytics-time-in-future = Время события { $value } больше чем на сутки позже времени приёма ({ $received }). Проверьте часы устройства, которое отправляет события.
analytics-time-too-early = Время события { $value } раньше { $earliest }. Такое время бывает, когда часы устройства не установлены (1970 год) или время передано не в секундах. Проверьте часы и формат времени.
analytics-ip-invalid = «{ $value }» — не IP-адрес. Передайте адрес IPv4 (203.0.113.7) или IPv6 (2001:db8::1) либо не передавайте поле ip.
analytics-amount-not-integer = Сумма в поле «{ $field }» должна быть целым числом в копейках (в минимальных единицах валюты), а получено: { $value }. Например, 19 990,00 ₽ — это 1999000.
analytics-amount-negative = Сумма в поле «{ $field }» отрицательная: { $value }. Передайте положительную сумму; возврат денег отправляйте событием refund.
analytics-amount-too-large = Сумма в поле «{ $field }» слишком большая: { $value }, допустимо не больше: { $max }. Проверьте, что сумма указана в копейках, а не умножена лишний раз.
analytics-quantity-invalid = Количество { $value } недопустимо: нужно целое число от 1 до { $max }.
analytics-currency-invalid = В поле currency передано { $value } — это не код валюты. Укажите трёхбуквенный код ISO 4217, например RUB, USD или EUR, либо не передавайте поле currency (по умолчанию RUB).
analytics-currency-unknown = Код валюты { $value } не принимается. Укажите трёхбуквенный действующий код ISO 4217 валюты, которой оплачивают покупки, например RUB, USD, EUR, KZT или CNY. Коды, выведенные из обращения (RUR), и коды, которые не обозначают валюту платежа (XXX, XTS, XAU), не принимаются.
analytics-refund-order-missing = У возврата не указан номер заказа в поле order_id. Укажите заказ, по которому возвращены деньги.
analytics-refund-amount-missing = У возврата не указана сумма. Передайте возвращённую сумму в копейках в поле revenue_kopecks.
analytics-refund-order-unknown = Заказ «{ $order }» не найден: покупки этого заказа ещё не было. Сначала отправьте событие purchase, потом возврат.
analytics-refund-currency = Возврат по заказу «{ $order }» передан в валюте { $value }, а заказ оплачен в { $order_currency }. Передайте возврат в валюте заказа.
analytics-refund-before-purchase = Возврат по заказу «{ $order }» датирован { $value }, раньше покупки заказа в { $purchase_time }. Проверьте время возврата.
analytics-refund-exceeds-order = Возврат по заказу «{ $order }» на сумму { $value } больше остатка заказа: { $remaining } (сумма заказа: { $order_amount }, уже возвращено: { $refunded }; всё в минимальных единицах валюты). Проверьте сумму возврата.
analytics-order-repeat-earlier = Заказ «{ $order }» уже записан с суммой { $stored_amount } и первой покупкой в { $stored }, поэтому покупка со временем { $value } и другой суммой ({ $amount }) не принята: засчитывается сумма первой записанной покупки, а более ранняя покупка с другой суммой заменила бы её. Если заказ изменился, отправьте возврат или новый заказ.

## Диапазоны адресов дата-центров

analytics-ip-range-invalid = Строка { $line } списка диапазонов дата-центров содержит «{ $value }» — это не сеть CIDR и не IP-адрес. Исправьте строку, например на 203.0.113.0/24.

## Импорт REES46 (CSV)

analytics-rees46-header = Заголовок файла не похож на REES46: «{ $found }». Ожидаются столбцы: { $expected }.
analytics-rees46-columns = В строке { $line } столбцов: { $count }, а нужно: { $expected }. Проверьте разделители и кавычки в этой строке.
analytics-rees46-time = В строке { $line } время «{ $value }» не в формате REES46. Ожидается вид 2019-10-01 00:00:00 UTC.
analytics-rees46-type = В строке { $line } неизвестный тип события «{ $value }». Допустимы: view, cart, remove_from_cart, purchase.
analytics-rees46-price = В строке { $line } цена «{ $value }» недопустима. Ожидается неотрицательное число рублей с точкой и не больше чем двумя знаками после неё, например 35.79.
analytics-rees46-empty = В строке { $line } пустой столбец «{ $column }». Заполните его или удалите строку из файла.
analytics-events-unavailable = База событий не подключена к этому серверу, поэтому аналитика недоступна. Сообщите администратору.
analytics-batch-json = Тело запроса — не JSON: разбор остановился в строке { $line }, столбце { $column }. Проверьте кавычки, запятые и скобки около этого места.
analytics-key-invalid = Ключ приёма событий не подошёл. Передайте ключ магазина в заголовке Authorization: Bearer; ключ выдаёт команда vitrina shop add.
analytics-shop-mismatch = Ключ выдан магазину «{ $key_shop }», а в пакете указан магазин «{ $value }». Отправляйте события каждого магазина с его собственным ключом.

## Курсы Банка России (CSV)

analytics-rates-header = Заголовок файла курсов — «{ $found }», а ожидается date,currency,rate или date,currency,nominal,rate.
analytics-rates-columns = В строке { $line } столбцов: { $count }, а ожидается: { $expected }. Проверьте разделители и кавычки в этой строке.
analytics-rates-date = Дата «{ $value }» в строке { $line } не в формате ГГГГ-ММ-ДД, например 2026-03-01.
analytics-rates-currency = «{ $value }» в строке { $line } — не код иностранной валюты. Укажите трёхбуквенный код ISO 4217, например USD; курс рубля не загружается.
analytics-rates-nominal = Номинал «{ $value }» в строке { $line } должен быть целым положительным числом, например 1 или 100.
analytics-rates-value = Курс «{ $value }» в строке { $line } должен быть положительным числом рублей не больше чем с четырьмя знаками после запятой, например 92.5058.

## Сводка GET /api/v1/analytics/summary

analytics-date-invalid = Дата «{ $value }» не в формате ГГГГ-ММ-ДД, например 2026-03-01.
analytics-range-reversed = Начало периода { $from } позже его конца { $to }. Поменяйте даты местами.
analytics-range-too-long = Период слишком длинный — дней: { $days }, допустимо не больше: { $max }. Сократите период.
analytics-dashboard-no-shop = У вашей компании пока нет магазина на платформе, поэтому аналитики нет. Магазин появится здесь, когда его создадут для вашей компании; обратитесь к вашему менеджеру.
analytics-date-too-early = Дата { $value } раньше { $earliest } — самой ранней даты, за которую принимаются события. Укажите более позднюю дату.
analytics-date-too-late = Дата { $value } позже { $latest } — через год от сегодняшнего дня. Проверьте год и укажите более раннюю дату.
analytics-shop-unknown = Магазин «{ $value }» не найден. Проверьте адресное имя магазина.

## Магазины

shop-slug-invalid = Адресное имя «{ $value }» не подходит: нужно от 2 до 64 строчных латинских букв, цифр и дефисов, без дефиса в начале и в конце, например flowers-spb.
shop-zone-invalid = «{ $value }» — не часовой пояс IANA. Укажите пояс вида Europe/Moscow или Asia/Yekaterinburg.
shop-client-unknown = Клиент с номером { $value } не найден. Проверьте номер клиента.
shop-slug-taken = Магазин с адресным именем «{ $value }» уже есть. Выберите другое имя.

## Dashboard page /analytics

analytics-dashboard-title = Аналитика магазинов
analytics-dashboard-shop = Магазин (адресное имя)
analytics-dashboard-platform = вся платформа
analytics-dashboard-from = С
analytics-dashboard-to = По
analytics-dashboard-zone = Часовой пояс дней
analytics-dashboard-window = Посетители определяются по идентификатору, который передаёт магазин, без окна идентификации.
analytics-dashboard-estimated = ≈ Посетители и конверсия посетителей за период длиннее дня оцениваются по сводкам HyperLogLog каждого дня; стандартная погрешность 0,81 %. Визиты, заказы и выручка посчитаны точно.
analytics-dashboard-visitors = Посетители
analytics-dashboard-sessions = Визиты
analytics-dashboard-page-views = Просмотры страниц
analytics-dashboard-product-views = Просмотры товаров
analytics-dashboard-add-to-carts = Добавления в корзину
analytics-dashboard-orders = Заказы
analytics-dashboard-revenue-gross = Выручка до возвратов
analytics-dashboard-revenue-net = Выручка за вычетом возвратов
analytics-dashboard-refunds = Возвраты
analytics-dashboard-average-order = Средний чек
analytics-dashboard-kopecks = копеек
analytics-dashboard-conversion-visitors = Конверсия по посетителям
analytics-dashboard-conversion-sessions = Конверсия по визитам
analytics-dashboard-unconverted = Часть сумм не вошла в выручку: для их валюты нет курса Банка России. Загрузите курсы командой vitrina import rates.

nav-analytics = Аналитика

## Отчёты по сводкам: разбивки, тепловая карта, выгрузки

analytics-limit-invalid = Недопустимое число строк «{ $value }»: укажите целое число от 1 до { $max }.
analytics-breakdown-note = Таблицы ниже считают события по дневным сводкам, каждый магазин по своим календарным дням, и сравнивают их с тем же числом дней перед периодом. Покупки здесь — это события покупки, поэтому заказ, отправленный дважды, учтён дважды; заказы выше учтены без повторов.
analytics-breakdown-category = Категория
analytics-breakdown-source = Источник трафика
analytics-breakdown-device = Устройство
analytics-breakdown-previous = Прошлый период
analytics-breakdown-change = Изменение
analytics-breakdown-purchases = Покупки
analytics-breakdown-empty = За этот период событий нет.
analytics-change-new = новое
analytics-change-points = { $value } п. п.
analytics-heatmap-title = Кто что смотрит: сегменты посетителей × категории
analytics-heatmap-share = Доля просмотров товаров сегмента
analytics-heatmap-purchases-per-view = Покупок на просмотр товара
analytics-heatmap-segment = Сегмент
analytics-heatmap-conversion = Конверсия
analytics-heatmap-products = Товары
analytics-heatmap-note = Сегменты определяются по дню магазина: новый посетитель — в первый день, когда магазин получил его события; зарегистрированный — если в этот день он передал идентификатор покупателя; покупатель — если в этот день была покупка. Ценовые уровни — трети цен товаров, просмотренных в категории за день. Посетители и конверсия считаются по дням: посетитель, заходивший в два дня, учтён дважды.
analytics-dimension-recency = Новые и вернувшиеся
analytics-dimension-device = Устройство
analytics-dimension-source = Источник трафика
analytics-dimension-account = Зарегистрированные и гости
analytics-dimension-buyer = Покупатели и не покупатели
analytics-dimension-price-tier = Ценовой уровень
analytics-products-title = Товары ячейки тепловой карты
analytics-products-note = Товары, которые посетители сегмента смотрели, добавляли в корзину и покупали в этой категории; суммы по всем товарам равны числам ячейки.
analytics-products-count = Товаров
analytics-products-product = Товар
analytics-min-volume-invalid = Недопустимый минимальный объём «{ $value }»: укажите неотрицательное целое число.
analytics-trends-title = Рыночные тренды
analytics-trends-date = Последний день
analytics-trends-period = Сравнение
analytics-trends-week = неделя к неделе
analytics-trends-month = месяц к месяцу
analytics-trends-metric = Показатель
analytics-trends-current = Текущий период
analytics-trends-note = В прошлом периоде берётся столько же дней, сколько прошло в текущем. Категории верхнего уровня; в рейтинги не попадают категории с объёмом ниже порога.
analytics-trends-growing = Быстрее всего растут
analytics-trends-falling = Быстрее всего падают
analytics-trends-new = Новые категории
analytics-trends-all = Все категории
analytics-funnel-title = Воронка визитов
analytics-funnel-note = Визит учитывается на каждом шаге, который в нём был. Покупка без добавления в корзину всё равно считается покупкой, а визит считается дошедшим до корзины.
analytics-funnel-step = Шаг
analytics-funnel-did = Визитов с шагом
analytics-funnel-reached = Дошли до шага или дальше
analytics-funnel-share = Доля всех визитов
analytics-funnel-skipped = Пропустили предыдущий шаг
analytics-funnel-product-view = Просмотр товара
analytics-funnel-add-to-cart = Добавление в корзину
analytics-funnel-checkout = Оформление заказа
analytics-funnel-purchase = Покупка

## Заголовки столбцов выгрузки аналитики (CSV и XLSX)

analytics-export-category = Категория
analytics-export-source = Источник трафика
analytics-export-device = Тип устройства
analytics-export-page-views = Просмотры страниц
analytics-export-previous-page-views = Просмотры страниц за прошлый период
analytics-export-page-views-change = Изменение просмотров страниц (доля)
analytics-export-product-views = Просмотры товаров
analytics-export-previous-product-views = Просмотры товаров за прошлый период
analytics-export-add-to-carts = Добавления в корзину
analytics-export-checkouts = Переходы к оформлению
analytics-export-purchases = Покупки
analytics-export-refunds = Возвраты
analytics-export-share-of-segment = Доля в сегменте
analytics-export-purchases-per-view = Покупок на просмотр товара
analytics-export-current = Текущий период
analytics-export-previous = Прошлый период
analytics-export-growth = Рост (доля)
analytics-export-recency = Новый или вернувшийся
analytics-export-account = Зарегистрирован или гость
analytics-export-buyer = Покупатель или нет
analytics-export-price-tier = Ценовой сегмент
analytics-export-visitors = Посетители (посетителе-дни)
analytics-export-buyers = Покупатели (посетителе-дни)
analytics-export-conversion = Конверсия (доля)
analytics-export-shop = Магазин
analytics-export-product-id = Товар
analytics-export-current-kopecks = Текущий период, копейки
analytics-export-previous-kopecks = Предыдущий период, копейки

## Самые продаваемые товары

analytics-top-products-title = Товары с наибольшей выручкой
analytics-top-products-note = Выручка товара — сумма цены × количество по строкам заказов с этим товаром, пересчитанная в рубли по курсу Банка России. Строка заказа учитывается один раз, даже если покупка отправлена дважды, поэтому сумма по товарам совпадает с выручкой выше, только если в заказе нет доставки и скидок. Просмотры и добавления в корзину — события за период.
analytics-top-products-count = Товаров, проданных за период: { $count }
analytics-top-products-revenue = Выручка
analytics-top-products-units = Продано, шт.
analytics-top-products-incomplete = У части строк заказов нет цены или курса валюты: их выручка не учтена, а заказы и количество учтены.
analytics-export-revenue-kopecks = Выручка, копейки
analytics-export-previous-revenue-kopecks = Выручка за прошлый период, копейки
analytics-export-revenue-change = Изменение выручки (доля)
analytics-export-orders = Заказы
analytics-export-units = Продано, шт.
analytics-export-lines-without-revenue = Строки заказов без выручки
