## SLA на страницах заявок

sla-title = SLA
sla-policy-contract = По договору клиента
sla-policy-internal = Внутренняя политика
sla-policy-contract_strictest = Самый строгий из договоров затронутых клиентов
sla-calendar = календарь «{ $code }»
sla-first-response = Первый ответ
sla-resolution = Решение
sla-remaining = осталось { $duration }
sla-overdue = просрочено на { $duration }
sla-met = выполнено { $at }
sla-duration = { $hours } ч { $minutes } мин
sla-minutes = { $minutes } мин
sla-state-breached = Просрочено
sla-state-at_risk = Под угрозой
sla-state-paused = Остановлено
sla-state-ok = В срок
sla-state-met = Выполнено
sla-stopped-pending_client = Часы SLA остановлены: заявка ждёт ответа клиента. Сроки сдвигаются на всё время ожидания.
sla-stopped-pending_third_party = Часы SLA остановлены: заявка ждёт третью сторону, а договор клиента в этом случае останавливает часы.
sla-stopped-outside_business_hours = Сейчас нерабочее время по календарю «{ $calendar }». Часы SLA пойдут { $at }.
tickets-column-sla = SLA
tickets-filter-sla = SLA
tickets-filter-sla-at_risk = Под угрозой
tickets-filter-sla-breached = Просрочено
