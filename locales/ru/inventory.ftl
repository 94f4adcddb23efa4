# Инвентарь инфраструктуры: ошибки API, страницы площадок, хостов и окружений.

## Ошибки

inventory-unknown-reference = Объект с идентификатором { $value } не найден. Проверьте идентификатор или сначала создайте объект.
inventory-rack-other-site = Стойка «{ $rack }» находится не на площадке { $site }. Выберите стойку этой площадки или не указывайте площадку: она возьмётся из стойки.
inventory-host-initial-status = Новый хост может быть только в статусе planned или active, получено «{ $value }». Создайте хост и переведите его по шагам жизненного цикла.

## Страницы

nav-infra = Инфраструктура
inventory-hosts-title = Хосты
inventory-host-title = Хост
inventory-environments-title = Окружения
inventory-environment-title = Окружение
inventory-environment-request = Создано по заявке
inventory-sites-title = Площадки
inventory-hosts-search = Техническое имя
inventory-filter-any-status = Любой статус
inventory-hosts-count = { $count ->
    [one] { $count } хост
    [few] { $count } хоста
   *[many] { $count } хостов
}
inventory-hosts-empty = Хостов нет.
inventory-environments-empty = Окружений нет.
inventory-sites-empty = Площадок нет.
inventory-clients-empty = Клиентов нет.
inventory-section-host = Хост
inventory-section-clients = Клиенты
inventory-field-name = Название
inventory-field-technical-name = Техническое имя
inventory-field-kind = Тип
inventory-field-status = Статус
inventory-field-site = Площадка
inventory-field-rack = Стойка
inventory-field-cluster = Кластер
inventory-field-cores = Ядра
inventory-field-ram = Память
inventory-field-storage = Хранилище
inventory-field-cloud = Облако
inventory-field-racks = Стойки
inventory-field-zabbix-host-id = hostid в Zabbix
inventory-field-zabbix-seen = Найден в Zabbix
inventory-field-zabbix-missing = Нет в Zabbix с
inventory-gibibytes = { $value } ГиБ
inventory-host-undescribed = не описан
inventory-host-kind-physical = физический
inventory-host-kind-virtual = виртуальный
inventory-host-status-planned = планируется
inventory-host-status-active = в работе
inventory-host-status-decommissioning = выводится
inventory-host-status-retired = выведен
inventory-host-step-active = Ввести в работу
inventory-host-step-decommissioning = Начать вывод
inventory-host-step-retired = Вывести из работы
inventory-host-step-planned = Запланировать
inventory-done-status = Статус хоста изменён.
inventory-environment-kind-dev = разработка
inventory-environment-kind-test = тестирование
inventory-environment-kind-staging = предрелизное
inventory-environment-kind-prod = продуктив
inventory-site-kind-own_data_centre = свой ЦОД
inventory-site-kind-colocation = колокация
inventory-site-kind-cloud_region = облачный регион

## Релизы и развёртывания

inventory-unknown-service = Сервис «{ $value }» не найден. Проверьте имя или сначала создайте сервис.
inventory-unknown-environment = Окружение «{ $value }» не найдено. Проверьте имя или сначала создайте окружение.
inventory-fix-not-bug = Заявка { $number } имеет тип «{ $kind }», а с релизом связываются только ошибки (bug).
inventory-deployed-in-future = Время развёртывания { $value } позже текущего. Передайте время окончания развёртывания в UTC.
inventory-section-running = Что развёрнуто
inventory-section-deployments = Последние развёртывания
inventory-running-empty = Ни один сервис ещё не развёрнут.
inventory-deployments-empty = Развёртываний не было.
inventory-field-service = Сервис
inventory-field-version = Версия
inventory-field-deployed-at = Когда
inventory-field-deployed-by = Кто
inventory-field-result = Результат
inventory-deployment-result-succeeded = успешно
inventory-deployment-result-failed = ошибка
inventory-deployment-result-rolled_back = откачено

## Мощности

inventory-capacity-resource-unknown = По имени метрики { $metric } не понять, какой это ресурс. Укажите resource: cpu, memory, disk или network.
inventory-capacity-metric-unknown = У хоста нет метрики «{ $value }». Проверьте имя метрики.
inventory-section-capacity = Мощности
inventory-capacity-empty = Метрик загрузки в процентах нет. Импортируйте их командой vitrina import metrics.
inventory-capacity-current = Загрузка (95-й перцентиль дневных пиков)
inventory-capacity-target = Цель
inventory-capacity-headroom = Запас до цели, п.п.
inventory-capacity-exhaustion = До 100 %
inventory-capacity-eta-already = уже достигнуто
inventory-capacity-eta-never = не достигнет при текущем тренде
inventory-capacity-eta-days = { $days } дн.
inventory-capacity-basis = Дней с данными: { $days }, точек тренда: { $points }.
inventory-capacity-action-keep = оставить как есть
inventory-capacity-action-scale_up = увеличить мощность в { $factor } раза
inventory-capacity-action-add_nodes = { $count ->
    [one] добавить { $count } узел
    [few] добавить { $count } узла
   *[many] добавить { $count } узлов
}
inventory-capacity-action-move_to_cloud = перенести нагрузку в облако и заказать мощность ×{ $factor }
inventory-capacity-action-shrink = сократить мощность до { $factor } от текущей
inventory-capacity-resource-cpu = процессор
inventory-capacity-resource-memory = память
inventory-capacity-resource-disk = диск
inventory-capacity-resource-network = сеть

## Заявки

inventory-ticket-title = Инфраструктура
inventory-ticket-host = Хост в инвентаре
inventory-ticket-host-unknown = нет в инвентаре
inventory-ticket-clients = Затронутые клиенты
inventory-ticket-fixed-in = Исправлено в релизе
inventory-ticket-shops = Затронутые магазины
inventory-section-shops = Магазины
inventory-shops-empty = Магазинов нет.

# Forecast section of the host card
inventory-forecast-title = Прогноз
inventory-forecast-no-metrics = У хоста нет метрик. Импортируйте их командой vitrina import metrics или из Zabbix.
inventory-forecast-metric = Метрика
inventory-forecast-fit = Модель
inventory-forecast-fit-holt_winters = Хольт — Винтерс (сезонная)
inventory-forecast-season = Сезон
inventory-forecast-season-auto = авто
inventory-forecast-season-daily = суточный
inventory-forecast-season-weekly = недельный
inventory-forecast-window = Окно
inventory-forecast-horizon = Горизонт
inventory-forecast-threshold = Порог
inventory-forecast-apply = Построить
inventory-forecast-help = Окно: all, #N (последние N значений) или длительность (30d, 24h). Горизонт: длительность до 90d. Полоса — 95-процентный интервал прогноза. Сезонной модели нужно два полных сезона данных: двое суток или две недели.
inventory-forecast-points = Точек в окне
inventory-forecast-r2 = R²
inventory-forecast-crossing = Пересечение порога
inventory-forecast-crossing-no-threshold = порог не задан
inventory-forecast-crossing-up = вверх, { $time }
inventory-forecast-crossing-down = вниз, { $time }
inventory-forecast-crossing-stays-above = выше порога до конца горизонта
inventory-forecast-crossing-stays-below = ниже порога до конца горизонта
inventory-forecast-clamped = Ограничено 0–100 %
inventory-forecast-clamped-yes = да
inventory-forecast-clamped-no = нет
inventory-forecast-clamped-badge = Прогноз вышел за 0–100 % и ограничен
inventory-forecast-series-history = Данные
inventory-forecast-series-fitted = Модель на окне
inventory-forecast-series-forecast = Прогноз
inventory-forecast-series-band = Интервал 95 %

## Формы инвентаря, релизов и развёртываний

inventory-form-not-integer = «{ $value }» не целое число. Укажите число цифрами, без пробелов и единиц.
inventory-form-size-invalid = Объём «{ $value }» не распознан. Укажите число (дробную часть — через запятую или точку) и выберите единицу рядом.
inventory-form-time-invalid = Время «{ $value }» не распознано или пропущено при переводе часов. Укажите дату и время в формате ДД.ММ.ГГГГ ЧЧ:ММ.
inventory-form-none = — не указано —
inventory-form-choose = — выберите —
inventory-form-reload = Открыть текущую версию
inventory-form-save = Сохранить
inventory-form-edit = Изменить
inventory-form-zabbix-hint = Необязательно. Число hostid со страницы хоста в Zabbix.
inventory-form-cloud-hint = Заполняются только для облачного региона: провайдер, аккаунт или каталог у провайдера и код региона, например ru-central1.
inventory-form-version-hint = Если релиза с такой версией ещё нет, он будет записан вместе с развёртыванием.
inventory-size-unit-gibibytes = ГиБ
inventory-size-unit-mebibytes = МиБ
inventory-size-unit-bytes = байт
inventory-field-cloud-provider = Провайдер
inventory-field-cloud-account = Аккаунт
inventory-field-cloud-region = Регион
inventory-field-description = Описание
inventory-field-hosts = Хосты
inventory-field-clients = Клиенты
inventory-field-shops = Магазины
inventory-field-environment = Окружение
inventory-field-notes = Примечания
inventory-field-created-at = Записан
inventory-field-created-by = Кем записан
inventory-host-new-title = Новый хост
inventory-host-edit-title = Изменение хоста
inventory-back-to-host = ← К карточке хоста
inventory-done-host-created = Хост добавлен.
inventory-done-host-saved = Хост сохранён.
inventory-site-title = Площадка
inventory-site-new-title = Новая площадка
inventory-site-edit-title = Изменение площадки
inventory-back-to-site = ← К площадке
inventory-site-hosts = Хосты площадки
inventory-done-site-created = Площадка добавлена.
inventory-done-site-saved = Площадка сохранена.
inventory-racks-empty = Стоек нет.
inventory-rack-name = Название стойки
inventory-rack-add = Добавить стойку
inventory-done-rack-created = Стойка добавлена.
inventory-clusters-title = Кластеры
inventory-clusters-empty = Кластеров нет.
inventory-cluster-new-title = Новый кластер
inventory-cluster-add = Создать кластер
inventory-done-cluster-created = Кластер создан.
inventory-environment-new-title = Новое окружение
inventory-environment-edit-title = Изменение окружения
inventory-back-to-environment = ← К окружению
inventory-done-environment-created = Окружение создано.
inventory-done-environment-saved = Окружение сохранено.
nav-releases = Релизы
inventory-releases-title = Релизы
inventory-releases-empty = Релизов нет.
inventory-filter-any-service = Любой сервис
inventory-filter-apply = Показать
inventory-release-title = Релиз
inventory-release-new-title = Новый релиз
inventory-release-fixes = Исправленные ошибки
inventory-release-fixes-empty = Ни одна заявка-ошибка не связана с этим релизом.
inventory-done-release-created = Релиз записан.
inventory-deployment-new-title = Записать развёртывание
inventory-done-deployment-recorded = Развёртывание записано.
inventory-ticket-link-release = Связать с релизом
