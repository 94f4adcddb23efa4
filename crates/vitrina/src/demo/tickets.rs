//! Demo tickets of every kind in every status, created through the store as people would
//! work them, with their steps dated over the last weeks.

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use domain::servicedesk::{Kind, LinkKind, PendingReason, Priority, Source, Status};
use store::Db;
use store::identity::{Author, User};
use store::servicedesk::tickets::{self, NewTicket, Ticket, TicketChange};

use super::portal;

/// The status a demo ticket's story ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    New,
    Assigned,
    InProgress,
    Pending(PendingReason),
    Resolved,
    Closed,
    /// Cancelled while still `new`.
    Cancelled,
}

/// One demo ticket.
#[derive(Debug, Clone, Copy)]
struct Script {
    kind: Kind,
    source: Source,
    priority: Priority,
    queue: &'static str,
    title: &'static str,
    description: &'static str,
    /// The staff member who registered it.
    author: &'static str,
    /// The staff member who works on it.
    assignee: &'static str,
    end: End,
    /// Hours between creation and now; resolved tickets stay under the auto-close delay.
    age_hours: i64,
}

use End::*;
use Kind::{Bug, Incident, Problem, Question, Request};
use PendingReason::{Client, ThirdParty};
use Priority::{P1, P2, P3, P4};

const SCRIPTS: [Script; 32] = [
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P2,
        queue: "L2",
        title: "Каталог не грузится на витрине магазина «Ромашка»",
        description: "Клиент сообщает: каталог открывается больше минуты, затем ошибка 504. \
                      Началось сегодня около 10:00.",
        author: "support",
        assignee: "support2",
        end: InProgress,
        age_hours: 30,
    },
    Script {
        kind: Incident,
        source: Source::Staff,
        priority: P1,
        queue: "L2",
        title: "Оплата картой не проходит: ошибка 3-D Secure",
        description: "У трёх магазинов покупатели не могут оплатить заказ картой: после ввода \
                      кода из СМС возвращается ошибка эквайера.",
        author: "lead",
        assignee: "support2",
        end: Pending(ThirdParty),
        age_hours: 20,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P2,
        queue: "L1",
        title: "Покупателям не приходят письма о заказах",
        description: "Письма с подтверждением заказа не доходят до покупателей с адресами на \
                      mail.ru.",
        author: "support",
        assignee: "support",
        end: Assigned,
        age_hours: 5,
    },
    Script {
        kind: Incident,
        source: Source::Api,
        priority: P3,
        queue: "L1",
        title: "Корзина очищается после входа в личный кабинет",
        description: "Товары, добавленные до входа, пропадают из корзины после авторизации.",
        author: "support",
        assignee: "support",
        end: New,
        age_hours: 2,
    },
    Script {
        kind: Incident,
        source: Source::Staff,
        priority: P3,
        queue: "infrastructure",
        title: "Медленно загружаются фотографии товаров",
        description: "Картинки в карточках товаров грузятся по 5–7 секунд, CDN отдаёт промахи \
                      кэша.",
        author: "lead",
        assignee: "infra",
        end: Resolved,
        age_hours: 100,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P2,
        queue: "L2",
        title: "Ошибка 500 при оформлении заказа с промокодом",
        description: "Промокод «ЛЕТО10» приводит к ошибке 500 на последнем шаге оформления.",
        author: "support",
        assignee: "support2",
        end: Closed,
        age_hours: 400,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P2,
        queue: "L2",
        title: "Не обновляются остатки товаров из 1С",
        description: "С утра остатки на витрине не совпадают с 1С, обмен завершается без \
                      ошибок, но товаров не меняет.",
        author: "support",
        assignee: "support2",
        end: Pending(Client),
        age_hours: 50,
    },
    Script {
        kind: Incident,
        source: Source::Staff,
        priority: P1,
        queue: "infrastructure",
        title: "Магазин «Чайный домик» недоступен",
        description: "Витрина отвечает 502, админка магазина тоже недоступна.",
        author: "lead",
        assignee: "infra",
        end: Resolved,
        age_hours: 70,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P3,
        queue: "L1",
        title: "Неверно считается стоимость доставки СДЭК",
        description: "Для заказов в Казань доставка считается по тарифу Москвы.",
        author: "support",
        assignee: "support",
        end: Cancelled,
        age_hours: 26,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P3,
        queue: "L1",
        title: "Неверный расчёт доставки СДЭК для Казани",
        description: "Стоимость доставки в Казань завышена вдвое, покупатели бросают корзину.",
        author: "support",
        assignee: "support",
        end: InProgress,
        age_hours: 28,
    },
    Script {
        kind: Request,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Подключить собственный домен shop-lavka.ru",
        description: "Клиент купил домен и просит привязать его к магазину.",
        author: "support",
        assignee: "support",
        end: Resolved,
        age_hours: 60,
    },
    Script {
        kind: Request,
        source: Source::Staff,
        priority: P3,
        queue: "L1",
        title: "Выдать доступ к API для интеграции с МойСклад",
        description: "Нужен API-ключ с правами на товары и заказы.",
        author: "sales",
        assignee: "support",
        end: Closed,
        age_hours: 300,
    },
    Script {
        kind: Request,
        source: Source::Staff,
        priority: P4,
        queue: "infrastructure",
        title: "Создать тестовый стенд для магазина «Книжная лавка»",
        description: "Клиент хочет проверить новую тему оформления до публикации.",
        author: "sales",
        assignee: "infra",
        end: Assigned,
        age_hours: 8,
    },
    Script {
        kind: Request,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Увеличить лимит товаров в тарифе «Старт»",
        description: "Клиенту не хватает 500 товаров, просит временно поднять лимит.",
        author: "sales",
        assignee: "support",
        end: New,
        age_hours: 1,
    },
    Script {
        kind: Request,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Выгрузить заказы за квартал в Excel",
        description: "Клиент просит выгрузку заказов за III квартал для бухгалтерии.",
        author: "support",
        assignee: "support",
        end: Cancelled,
        age_hours: 200,
    },
    Script {
        kind: Request,
        source: Source::Staff,
        priority: P3,
        queue: "infrastructure",
        title: "Выпустить TLS-сертификат для поддомена opt.shop-lavka.ru",
        description: "Оптовый раздел магазина откроется на отдельном поддомене.",
        author: "support",
        assignee: "infra",
        end: InProgress,
        age_hours: 12,
    },
    Script {
        kind: Question,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Как подключить оплату через СБП?",
        description: "Клиент спрашивает, какие документы нужны для приёма оплаты по QR-коду.",
        author: "support",
        assignee: "support",
        end: Resolved,
        age_hours: 40,
    },
    Script {
        kind: Question,
        source: Source::Api,
        priority: P4,
        queue: "L1",
        title: "Почему не видны отзывы на карточке товара?",
        description: "Отзывы одобрены в админке, но на витрине их нет.",
        author: "support",
        assignee: "support",
        end: New,
        age_hours: 3,
    },
    Script {
        kind: Question,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Как настроить скидку на категорию товаров?",
        description: "Клиент хочет скидку 15% на категорию «Чай улун» на выходные.",
        author: "support",
        assignee: "support",
        end: Closed,
        age_hours: 500,
    },
    Script {
        kind: Question,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Можно ли сменить тариф без простоя магазина?",
        description: "Клиент переходит с «Старт» на «Бизнес» и боится потерять заказы.",
        author: "sales",
        assignee: "support",
        end: Pending(Client),
        age_hours: 90,
    },
    Script {
        kind: Problem,
        source: Source::Staff,
        priority: P2,
        queue: "infrastructure",
        title: "Периодические таймауты основного кластера PostgreSQL",
        description: "Несколько раз в сутки запросы к основному кластеру висят по 30 секунд; \
                      от этого падают витрины и каталог.",
        author: "lead",
        assignee: "infra",
        end: InProgress,
        age_hours: 160,
    },
    Script {
        kind: Problem,
        source: Source::Staff,
        priority: P3,
        queue: "L2",
        title: "Утечка памяти в сервисе поиска по каталогу",
        description: "Память сервиса поиска растёт на 200 МБ в час до перезапуска.",
        author: "lead",
        assignee: "support2",
        end: Assigned,
        age_hours: 48,
    },
    Script {
        kind: Problem,
        source: Source::Staff,
        priority: P2,
        queue: "infrastructure",
        title: "Рост ошибок 502 на балансировщике в часы пик",
        description: "С 19:00 до 22:00 доля ответов 502 доходит до 2%.",
        author: "lead",
        assignee: "infra",
        end: New,
        age_hours: 6,
    },
    Script {
        kind: Problem,
        source: Source::Staff,
        priority: P3,
        queue: "L2",
        title: "Сбои обмена с 1С после обновления модуля",
        description: "После обновления модуля обмена до версии 3.2 часть магазинов перестала \
                      получать остатки.",
        author: "lead",
        assignee: "support2",
        end: Resolved,
        age_hours: 120,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P3,
        queue: "development",
        title: "Фильтр по цене не учитывает товары со скидкой",
        description: "Товар за 1000 ₽ со скидкой до 800 ₽ не находится фильтром «до 900 ₽».",
        author: "support2",
        assignee: "developer",
        end: InProgress,
        age_hours: 75,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P2,
        queue: "development",
        title: "Позиции в заказе дублируются при двойном нажатии «Купить»",
        description: "Быстрый двойной клик создаёт две строки одного товара в заказе.",
        author: "support",
        assignee: "developer",
        end: Assigned,
        age_hours: 22,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P4,
        queue: "development",
        title: "В корзине написано «1 товаров»",
        description: "Неверная форма множественного числа в счётчике корзины.",
        author: "support",
        assignee: "developer",
        end: Resolved,
        age_hours: 110,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P3,
        queue: "development",
        title: "Кнопка «Оформить заказ» не видна на iPhone SE",
        description: "На узких экранах кнопка уходит за нижний край и не прокручивается.",
        author: "support",
        assignee: "developer",
        end: New,
        age_hours: 4,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P3,
        queue: "development",
        title: "Выгрузка YML для Яндекс Маркета пропускает варианты товаров",
        description: "В файл попадает только первый вариант товара с размерами.",
        author: "support2",
        assignee: "developer",
        end: Closed,
        age_hours: 600,
    },
    Script {
        kind: Bug,
        source: Source::Staff,
        priority: P2,
        queue: "development",
        title: "Письмо о смене пароля приходит без ссылки",
        description: "В письме восстановления пароля пустое место вместо ссылки.",
        author: "support",
        assignee: "developer",
        end: Cancelled,
        age_hours: 250,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P3,
        queue: "L1",
        title: "Не работает поиск по артикулу",
        description: "Поиск по артикулу «ЧД-0457» ничего не находит, по названию находит.",
        author: "support",
        assignee: "support",
        end: Assigned,
        age_hours: 7,
    },
    Script {
        kind: Incident,
        source: Source::Email,
        priority: P4,
        queue: "L1",
        title: "Дублируются уведомления в Telegram-боте магазина",
        description: "Владелец магазина получает каждое уведомление о заказе дважды.",
        author: "support",
        assignee: "support",
        end: Closed,
        age_hours: 350,
    },
];

/// Links between demo tickets, by index into the scripts: (from, to, kind).
const LINKS: [(usize, usize, LinkKind); 5] = [
    (0, 20, LinkKind::CausedBy),
    (7, 20, LinkKind::CausedBy),
    (6, 23, LinkKind::CausedBy),
    (8, 9, LinkKind::DuplicateOf),
    (30, 21, LinkKind::RelatesTo),
];

/// Demo tickets filed for a client, by index into the scripts, so the client portal lists
/// some tickets of its demo company and the other company's stay hidden from it.
const CLIENT_TICKETS: [(usize, &str); 6] = [
    (0, portal::COMPANY),
    (5, portal::COMPANY),
    (6, portal::COMPANY),
    (13, portal::COMPANY),
    (7, portal::OTHER_COMPANY),
    (10, portal::OTHER_COMPANY),
];

/// Creates the demo tickets with their comments and links, and returns how many it created.
pub async fn load(db: &Db, staff: &[User], now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut clients = Vec::with_capacity(CLIENT_TICKETS.len());
    for (index, name) in CLIENT_TICKETS {
        let id = portal::company_id(db, name)
            .await?
            .with_context(|| format!("the demo client {name} is missing"))?;
        clients.push((index, id));
    }
    let mut created: Vec<Ticket> = Vec::new();
    for (index, script) in SCRIPTS.iter().enumerate() {
        let client_id = clients
            .iter()
            .find(|(ticket, _)| *ticket == index)
            .map(|(_, id)| *id);
        let ticket = play(db, staff, script, client_id, now)
            .await
            .with_context(|| format!("cannot create demo ticket {:?}", script.title))?;
        created.push(ticket);
    }
    for (from, to, kind) in LINKS {
        let (Some(from), Some(to)) = (created.get(from), created.get(to)) else {
            continue;
        };
        let author = person(staff, "lead")?;
        let at = from.updated_at.max(to.created_at) + Duration::minutes(5);
        tickets::add_link(db, from.id, to.id, kind, &author, at.min(now))
            .await
            .with_context(|| format!("cannot link {} to {}", from.number, to.number))?;
    }
    Ok(created.len())
}

fn person(staff: &[User], login: &str) -> anyhow::Result<Author> {
    staff
        .iter()
        .find(|user| user.login == login)
        .map(|user| Author::person(user.id, &user.login))
        .ok_or_else(|| anyhow::anyhow!("demo user {login} is missing"))
}

/// Creates one ticket, for `client_id` when given, and walks it to its end status, each step
/// at a later instant.
async fn play(
    db: &Db,
    staff: &[User],
    script: &Script,
    client_id: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Ticket> {
    let author = person(staff, script.author)?;
    let worker = person(staff, script.assignee)?;
    let mut clock = Clock::new(now - Duration::hours(script.age_hours), now);

    let new = NewTicket {
        kind: script.kind,
        source: script.source,
        priority: script.priority,
        queue: script.queue.into(),
        title: script.title.into(),
        description: script.description.into(),
        client_id,
        zabbix: None,
    };
    let mut ticket = tickets::create(db, &new, &author, clock.at()).await?;
    match script.end {
        New => return Ok(ticket),
        Cancelled => {
            let note = "Закрываем обращение: запрос дублирует другое обращение или больше не \
                        актуален.";
            tickets::add_comment(db, ticket.id, note, true, &worker, clock.after(20)).await?;
            return status(
                db,
                &ticket,
                Status::Cancelled,
                None,
                &worker,
                clock.after(1),
            )
            .await;
        }
        _ => {}
    }

    let change = TicketChange {
        assignee: Some(Some(script.assignee.into())),
        ..TicketChange::default()
    };
    ticket = tickets::update(
        db,
        ticket.id,
        ticket.version,
        &change,
        &author,
        clock.after(15),
    )
    .await?;
    if script.end == Assigned {
        return Ok(ticket);
    }

    ticket = status(
        db,
        &ticket,
        Status::InProgress,
        None,
        &worker,
        clock.after(25),
    )
    .await?;
    let greeting = "Здравствуйте! Мы взяли обращение в работу и сообщим о результатах.";
    tickets::add_comment(db, ticket.id, greeting, true, &worker, clock.after(2)).await?;
    let note = "Воспроизвёл на тестовом стенде, собираю логи приложения и балансировщика.";
    tickets::add_comment(db, ticket.id, note, false, &worker, clock.after(40)).await?;

    if let Pending(reason) = script.end {
        let (text, public) = match reason {
            Client => (
                "Уточните, пожалуйста: когда проблема появилась впервые и на каких \
                 устройствах она воспроизводится?",
                true,
            ),
            ThirdParty => (
                "Открыли обращение у поставщика, ждём ответа в течение рабочего дня.",
                false,
            ),
        };
        tickets::add_comment(db, ticket.id, text, public, &worker, clock.after(30)).await?;
        return status(
            db,
            &ticket,
            Status::Pending,
            Some(reason),
            &worker,
            clock.after(1),
        )
        .await;
    }
    if script.end == InProgress {
        return tickets::get(db, ticket.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo ticket {} vanished", ticket.number));
    }

    let done = "Проблема устранена. Проверьте, пожалуйста, и напишите нам, если она \
                повторится.";
    let resolved_at = clock.fraction(0.6);
    tickets::add_comment(db, ticket.id, done, true, &worker, resolved_at).await?;
    let ticket = tickets::get(db, ticket.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo ticket {} vanished", ticket.number))?;
    let ticket = status(db, &ticket, Status::Resolved, None, &worker, clock.after(1)).await?;
    if script.end == Resolved {
        return Ok(ticket);
    }
    status(
        db,
        &ticket,
        Status::Closed,
        None,
        &author,
        clock.fraction(0.9),
    )
    .await
}

async fn status(
    db: &Db,
    ticket: &Ticket,
    to: Status,
    reason: Option<PendingReason>,
    author: &Author,
    at: DateTime<Utc>,
) -> anyhow::Result<Ticket> {
    // Re-read, so the version is current whatever the previous steps changed.
    let current = tickets::get(db, ticket.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo ticket {} vanished", ticket.number))?;
    Ok(tickets::transition(db, current.id, current.version, to, reason, author, at).await?)
}

/// The instants of one ticket's story: they only move forward and never pass `now`.
struct Clock {
    start: DateTime<Utc>,
    current: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Clock {
    fn new(start: DateTime<Utc>, now: DateTime<Utc>) -> Clock {
        Clock {
            start,
            current: start,
            now,
        }
    }

    fn at(&self) -> DateTime<Utc> {
        self.current
    }

    /// Moves `minutes` forward, staying a minute before `now`.
    fn after(&mut self, minutes: i64) -> DateTime<Utc> {
        let latest = self.now - Duration::minutes(1);
        self.current = (self.current + Duration::minutes(minutes)).min(latest);
        self.current
    }

    /// Moves to `share` of the way from the story's start to `now`, if that is later.
    fn fraction(&mut self, share: f64) -> DateTime<Utc> {
        let span = (self.now - self.start).num_seconds() as f64;
        let target = self.start + Duration::seconds((span * share) as i64);
        if target > self.current {
            self.current = target.min(self.now - Duration::minutes(1));
        }
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_cover_every_status_and_kind() {
        for end in [
            New,
            Assigned,
            InProgress,
            Pending(Client),
            Pending(ThirdParty),
            Resolved,
            Closed,
            Cancelled,
        ] {
            assert!(
                SCRIPTS.iter().any(|s| s.end == end),
                "no ticket ends {end:?}"
            );
        }
        for kind in [Incident, Request, Question, Problem, Bug] {
            assert!(SCRIPTS.iter().any(|s| s.kind == kind), "no {kind} ticket");
        }
    }

    #[test]
    fn resolved_scripts_stay_under_auto_close_delay() {
        for script in SCRIPTS.iter().filter(|s| s.end == Resolved) {
            assert!(
                script.age_hours < 7 * 24,
                "{} would auto-close",
                script.title
            );
        }
    }

    #[test]
    fn links_point_to_existing_scripts() {
        for (from, to, _) in LINKS {
            assert!(from < SCRIPTS.len(), "link from {from}");
            assert!(to < SCRIPTS.len(), "link to {to}");
            assert_ne!(from, to);
        }
    }

    #[test]
    fn clock_never_passes_now() {
        let now = Utc::now();
        let mut clock = Clock::new(now - Duration::minutes(30), now);
        assert!(clock.after(600) < now);
        assert!(clock.fraction(0.99) < now);
    }
}
