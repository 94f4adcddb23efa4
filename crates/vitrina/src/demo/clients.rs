//! Demo clients of every kind, with requisites that pass every check, contacts and the demo
//! sales manager as account manager. A branch shares its head office's ИНН, and two clients
//! share a phone, so the duplicate warning has something to show.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use domain::crm::client::{ContactDraft, ContactInput};
use domain::crm::requisites::RequisitesInput;
use domain::crm::{ClientDraft, ClientInput};
use store::Db;
use store::crm::{clients, contacts};
use store::identity::Author;

/// The demo user who manages every demo client.
const MANAGER: &str = "sales";

/// A demo client as a form would send it.
struct DemoClient {
    kind: &'static str,
    name: &'static str,
    status: &'static str,
    inn: &'static str,
    kpp: Option<&'static str>,
    ogrn: Option<&'static str>,
    /// БИК, settlement and correspondent accounts.
    bank: Option<(&'static str, Option<&'static str>, &'static str)>,
    phone: &'static str,
    email: Option<&'static str>,
    legal_address: Option<&'static str>,
    /// Name, position and phone of each contact person.
    contacts: &'static [(&'static str, &'static str, &'static str)],
}

const CLIENTS: [DemoClient; 6] = [
    DemoClient {
        kind: "legal_entity",
        name: "ООО «Ромашка»",
        status: "active",
        inn: "7707083893",
        kpp: Some("773601001"),
        ogrn: Some("1027700132195"),
        bank: Some((
            "044525225",
            Some("40702810200000000001"),
            "30101810400000000225",
        )),
        phone: "+7 495 123-45-67 доб. 12",
        email: Some("info@romashka.example"),
        legal_address: Some("117312, г. Москва, ул. Вавилова, д. 19"),
        contacts: &[
            ("Ирина Лебедева", "Главный бухгалтер", "8 916 000-11-22"),
            (
                "Павел Орлов",
                "Директор по электронной торговле",
                "+7 903 555-10-20",
            ),
        ],
    },
    DemoClient {
        kind: "legal_entity",
        name: "ООО «Ромашка», филиал в Санкт-Петербурге",
        status: "active",
        inn: "7707083893",
        kpp: Some("784201001"),
        ogrn: Some("1027700132195"),
        bank: None,
        phone: "+7 812 123 4567",
        email: None,
        legal_address: Some("191186, г. Санкт-Петербург, Невский пр., д. 1"),
        contacts: &[],
    },
    DemoClient {
        kind: "legal_entity",
        name: "АО «Северный ветер»",
        status: "prospect",
        inn: "7724012349",
        kpp: Some("772401001"),
        ogrn: Some("1157746123457"),
        bank: Some(("044525974", None, "30101810145250000974")),
        phone: "8-800-2000-200",
        email: Some("zakupki@veter.example"),
        legal_address: Some("115409, г. Москва, Каширское ш., д. 31"),
        contacts: &[("Олег Ёжиков", "Руководитель закупок", "8 (926) 700-00-01")],
    },
    DemoClient {
        kind: "entrepreneur",
        name: "ИП Сидоров Пётр Ильич",
        status: "suspended",
        inn: "500100732259",
        kpp: None,
        ogrn: Some("304500116000157"),
        bank: None,
        phone: "8 926 123-45-67",
        email: Some("sidorov@shop.example"),
        legal_address: None,
        contacts: &[],
    },
    DemoClient {
        kind: "self_employed",
        name: "Кузнецова Алёна Викторовна",
        status: "active",
        inn: "771234567859",
        kpp: None,
        ogrn: None,
        bank: None,
        phone: "9031112233",
        email: Some("alena.k@mail.example"),
        legal_address: None,
        contacts: &[],
    },
    DemoClient {
        kind: "person",
        name: "Ёлкин Фёдор Семёнович",
        status: "closed",
        inn: "502912345634",
        kpp: None,
        ogrn: None,
        bank: None,
        // The same number as ИП Сидоров, so both cards show the duplicate warning.
        phone: "+7 926 1234567",
        email: None,
        legal_address: None,
        contacts: &[],
    },
];

/// Creates the demo clients and returns how many there are.
pub async fn load(db: &Db, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let author = Author::system();
    for demo in &CLIENTS {
        let draft = ClientDraft::check(&input(demo)).map_err(|errors| {
            anyhow::anyhow!("demo client {} is invalid: {errors:?}", demo.name)
        })?;
        let client = clients::create(db, &draft, Some(MANAGER), &author, now)
            .await
            .with_context(|| format!("cannot create demo client {}", demo.name))?;
        for (name, position, phone) in demo.contacts {
            let contact = ContactDraft::check(&ContactInput {
                name: (*name).into(),
                position: Some((*position).into()),
                phone: Some((*phone).into()),
                email: None,
            })
            .map_err(|errors| anyhow::anyhow!("demo contact {name} is invalid: {errors:?}"))?;
            contacts::add(db, client.id, &contact, &author, now)
                .await
                .with_context(|| format!("cannot add demo contact {name}"))?;
        }
    }
    Ok(CLIENTS.len())
}

fn input(demo: &DemoClient) -> ClientInput {
    let text = |value: Option<&str>| value.map(str::to_string);
    ClientInput {
        kind: demo.kind.into(),
        name: demo.name.into(),
        requisites: RequisitesInput {
            inn: Some(demo.inn.into()),
            kpp: text(demo.kpp),
            ogrn: text(demo.ogrn),
            bik: demo.bank.map(|(bik, _, _)| bik.into()),
            settlement_account: demo.bank.and_then(|(_, account, _)| text(account)),
            correspondent_account: demo.bank.map(|(_, _, account)| account.into()),
        },
        phone: Some(demo.phone.into()),
        email: text(demo.email),
        legal_address: text(demo.legal_address),
        postal_address: None,
        status: Some(demo.status.into()),
    }
}
