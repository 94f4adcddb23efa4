//! The request context: who is asking (session or API token), in which language, and the
//! CSRF check for every state-changing form. One middleware builds it for every request
//! and, on the way out, words any error in the requester's language.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Duration, Utc};
use domain::identity::Actor;
use store::identity::{User, sessions, tokens};

use crate::error::{AppError, Problem, content_length};
use crate::i18n::{Arg, Lang};
use crate::identity::password;
use crate::state::AppState;

/// Name of the session cookie; its value is a random token whose SHA-256 the database keeps.
pub const SESSION_COOKIE: &str = "vitrina_session";
/// Name of the cookie holding the CSRF token of visitors who are not signed in.
pub const CSRF_COOKIE: &str = "vitrina_csrf";
/// Name of the cookie remembering the language of visitors who are not signed in.
pub const LANG_COOKIE: &str = "vitrina_lang";
/// Form field and header carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session ends this long after login, however active.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::minutes(30);

/// Paths that authenticate with their own bearer secret instead of a user's login.
const MACHINE_PATHS: &[&str] = &["/api/v1/integrations/zabbix/events", "/api/v1/events"];

/// How the requester signed in.
#[derive(Debug, Clone)]
pub enum Via {
    Session { token_hash: String },
    Token { token_id: i64 },
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    pub actor: Actor,
    pub via: Via,
}

/// Everything a handler needs to know about the request beyond its own parameters.
#[derive(Debug, Clone)]
pub struct Context {
    pub lang: Lang,
    pub identity: Option<Identity>,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// The request path.
    pub path: String,
    /// The request path with its query string, to come back to after login or a language
    /// switch without losing the list's filters.
    pub path_and_query: String,
    pub api: bool,
    pub htmx: bool,
}

impl Context {
    /// The signed-in user, or a 401.
    pub fn require(&self) -> Result<&Identity, AppError> {
        self.identity.as_ref().ok_or_else(AppError::unauthorized)
    }

    /// Formats a message in the request's language.
    pub fn t(&self, i18n: &crate::i18n::I18n, key: &str) -> String {
        i18n.format(self.lang, key, &[])
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Context {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Context>()
            .cloned()
            .ok_or_else(|| AppError::Internal("request context middleware is not installed".into()))
    }
}

/// The signed-in user; extracting it answers 401 (API) or redirects to the login page.
#[derive(Debug, Clone)]
pub struct Auth(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let context = Context::from_request_parts(parts, state).await?;
        context
            .identity
            .map(Auth)
            .ok_or_else(AppError::unauthorized)
    }
}

/// Builds the [`Context`], enforces CSRF, runs the handler and words its errors.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let now = domain::time::now();
    let jar = CookieJar::from_headers(request.headers());
    let path = request.uri().path().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |value| value.as_str().to_string());
    let api = path.starts_with("/api/");
    let htmx = request.headers().contains_key("hx-request");
    let machine = MACHINE_PATHS.contains(&path.as_str());

    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_credentials)
        .map(|v| v.trim().to_string());
    let (identity, session_csrf, stale_cookie) =
        match authenticate(&state, bearer.as_deref(), &jar, machine, now).await {
            Ok(found) => found,
            Err(problem) => {
                let lang = request_lang(&state, None, &jar, request.headers());
                return render_problem(&state, lang, api, htmx, &path_and_query, problem);
            }
        };
    let lang = request_lang(&state, identity.as_ref(), &jar, request.headers());
    let anonymous_csrf = jar.get(CSRF_COOKIE).map(|c| c.value().to_string());
    let new_anonymous_csrf =
        (session_csrf.is_none() && anonymous_csrf.is_none()).then(|| password::random_token(32));
    let csrf = session_csrf
        .clone()
        .or(anonymous_csrf)
        .or(new_anonymous_csrf.clone())
        .unwrap_or_default();

    let by_token = matches!(
        identity,
        Some(Identity {
            via: Via::Token { .. },
            ..
        })
    );
    let needs_csrf =
        is_unsafe(request.method()) && !machine && !by_token && (identity.is_some() || !api);
    let request = if needs_csrf {
        match check_csrf(request, &csrf).await {
            Ok(request) => request,
            Err(problem) => {
                return render_problem(&state, lang, api, htmx, &path_and_query, problem);
            }
        }
    } else {
        request
    };

    let context = Context {
        lang,
        identity,
        csrf,
        path,
        path_and_query: path_and_query.clone(),
        api,
        htmx,
    };
    let mut request = request;
    request.extensions_mut().insert(context);
    let mut response = next.run(request).await;

    if let Some(problem) = response.extensions_mut().remove::<Problem>() {
        response = render_problem(&state, lang, api, htmx, &path_and_query, problem);
    } else if response.status().is_client_error() || response.status().is_server_error() {
        let bare = response.headers().get(header::CONTENT_TYPE).is_none();
        if bare {
            response = render_problem(
                &state,
                lang,
                api,
                htmx,
                &path_and_query,
                Problem::from_status(response.status()),
            );
        }
    }
    let secure = state.config.secure_cookies();
    if stale_cookie {
        append_cookie(&mut response, removal(SESSION_COOKIE, secure));
    }
    if let Some(token) = new_anonymous_csrf {
        append_cookie(&mut response, cookie(CSRF_COOKIE, token, secure));
    }
    response
}

type Authenticated = (Option<Identity>, Option<String>, bool);

/// Finds the requester: a bearer token on API paths, else the session cookie. Returns the
/// identity, the session's CSRF token and whether a stale session cookie should be cleared.
async fn authenticate(
    state: &AppState,
    bearer: Option<&str>,
    jar: &CookieJar,
    machine: bool,
    now: DateTime<Utc>,
) -> Result<Authenticated, Problem> {
    if machine {
        return Ok((None, None, false));
    }
    if let Some(token) = bearer {
        let found = tokens::authenticate(&state.db, &password::secret_hash(token), now)
            .await
            .map_err(internal)?;
        let Some((token, user)) = found else {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "error-token-invalid",
            ));
        };
        let identity = Identity {
            actor: user.actor(),
            user,
            via: Via::Token { token_id: token.id },
        };
        return Ok((Some(identity), None, false));
    }

    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok((None, None, false));
    };
    let token_hash = password::secret_hash(cookie.value());
    let session = sessions::find(&state.db, &token_hash)
        .await
        .map_err(internal)?;
    let Some(session) = session else {
        return Ok((None, None, true));
    };
    let expired =
        now - session.created_at > SESSION_ABSOLUTE || now - session.last_seen_at > SESSION_IDLE;
    if expired || session.user.disabled {
        sessions::delete(&state.db, &token_hash)
            .await
            .map_err(internal)?;
        return Ok((None, None, true));
    }
    // Refresh the idle timer at most once a minute, so page loads do not all write.
    if now - session.last_seen_at > Duration::minutes(1) {
        sessions::touch(&state.db, &token_hash, now)
            .await
            .map_err(internal)?;
    }
    let identity = Identity {
        actor: session.user.actor(),
        user: session.user,
        via: Via::Session { token_hash },
    };
    Ok((Some(identity), Some(session.csrf_token), false))
}

fn internal(error: store::Error) -> Problem {
    tracing::error!(%error, "authentication lookup failed");
    Problem::from_status(StatusCode::INTERNAL_SERVER_ERROR)
}

fn request_lang(
    state: &AppState,
    identity: Option<&Identity>,
    jar: &CookieJar,
    headers: &HeaderMap,
) -> Lang {
    let _ = state;
    if let Some(lang) = identity.and_then(|i| Lang::parse(&i.user.locale)) {
        return lang;
    }
    if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Largest form body the CSRF check reads; bigger bodies are rejected by the body limit anyway.
const FORM_LIMIT: usize = 1024 * 1024;

/// Checks the CSRF token from the header or, for form posts, the `csrf_token` field. The
/// body is read and put back for the handler.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, Problem> {
    let rejected = || Problem::new(StatusCode::FORBIDDEN, "csrf", "error-csrf");
    if let Some(provided) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if constant_time_eq(provided, expected) {
            Ok(request)
        } else {
            Err(rejected())
        };
    }
    if !is_form(request.headers()) {
        return Err(rejected());
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| Problem::too_large(FORM_LIMIT, content_length(&parts.headers)))?;
    let provided = url::form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    match provided {
        Some(token) if constant_time_eq(&token, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(rejected()),
    }
}

/// Returns whether a request's body is an HTML form (`application/x-www-form-urlencoded`).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !b.is_empty() && a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Builds a cookie for the whole site: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// Builds a cookie that deletes `name`.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// Adds a `Set-Cookie` header to a response.
pub fn append_cookie(response: &mut Response, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Words a problem: JSON under `/api/`, an alert fragment for htmx, a page otherwise.
/// A page request without a login is sent to the login page instead, which returns to
/// `return_to` (a local path and query) after signing in.
pub fn render_problem(
    state: &AppState,
    lang: Lang,
    api: bool,
    htmx: bool,
    return_to: &str,
    problem: Problem,
) -> Response {
    // A status change names its statuses by code; `labels` is the prefix of the Fluent keys
    // that word them in the requester's language.
    let labels = problem
        .args
        .iter()
        .find(|(name, _)| *name == "labels")
        .map(|(_, prefix)| prefix.as_str());
    let args: Vec<(&str, Arg)> = problem
        .args
        .iter()
        .map(|(name, value)| {
            let key = labels
                .filter(|_| matches!(*name, "from" | "to"))
                .map(|prefix| format!("{prefix}-{value}"))
                .filter(|key| state.i18n.has(lang, key));
            let shown = match key {
                Some(key) => state.i18n.format(lang, &key, &[]),
                None => value.clone(),
            };
            (*name, Arg::Text(shown))
        })
        .collect();
    let message = state.i18n.format(lang, problem.key, &args);

    if api {
        let body = serde_json::json!({"error": {
            "code": problem.code, "message": message, "field": problem.field}});
        return (problem.status, axum::Json(body)).into_response();
    }
    if problem.status == StatusCode::UNAUTHORIZED {
        let target = format!("/login?next={}", crate::pages::encode_query(return_to));
        if htmx {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(value) = HeaderValue::from_str(&target) {
                response.headers_mut().insert("hx-redirect", value);
            }
            return response;
        }
        return Redirect::to(&target).into_response();
    }
    if htmx {
        let mut response = (problem.status, crate::pages::alert_fragment(&message)).into_response();
        response
            .headers_mut()
            .insert("hx-retarget", HeaderValue::from_static("#flash"));
        response
            .headers_mut()
            .insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        return response;
    }
    crate::pages::error_page(state, lang, problem.status, &message)
}

/// Returns the credentials of an `Authorization: Bearer …` header value. The scheme name is
/// case-insensitive (RFC 9110, section 11.1).
pub fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(credentials)
}
