//! Password hashing with Argon2id and random secrets for sessions and tokens.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use sha2::{Digest, Sha256};

/// Argon2id memory cost in KiB: OWASP's minimum of 19 MiB.
const MEMORY_KIB: u32 = 19_456;
/// Argon2id passes over memory: OWASP's minimum for 19 MiB.
const ITERATIONS: u32 = 2;

fn hasher() -> Result<Argon2<'static>, String> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, 1, None).map_err(|e| e.to_string())?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string. CPU-heavy: call it from `spawn_blocking`.
pub fn hash(password: &str) -> Result<String, String> {
    let hash: PasswordHash = hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(hash.to_string())
}

/// Checks a password against a PHC string; any malformed hash counts as a mismatch.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(hasher) = hasher() else {
        return false;
    };
    PasswordVerifier::<str>::verify_password(&hasher, password.as_bytes(), phc).is_ok()
}

/// Limits how many Argon2 computations run at once. Each one takes about 19 MiB, so without
/// a limit the memory of the process grows with every parallel login request. With the
/// limit, extra requests wait for a permit.
fn argon2_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        tokio::sync::Semaphore::new(cores * 2)
    })
}

/// Hashes a password on a blocking thread, so Argon2 does not stall other requests.
pub async fn hash_off_thread(password: String) -> Result<String, crate::AppError> {
    let _permit = argon2_permits()
        .acquire()
        .await
        .map_err(|e| crate::AppError::Internal(format!("password permit failed: {e}")))?;
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| crate::AppError::Internal(format!("password task failed: {e}")))?
        .map_err(|e| crate::AppError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a PHC string on a blocking thread.
pub async fn verify_off_thread(password: String, phc: String) -> Result<bool, crate::AppError> {
    let _permit = argon2_permits()
        .acquire()
        .await
        .map_err(|e| crate::AppError::Internal(format!("password permit failed: {e}")))?;
    tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .map_err(|e| crate::AppError::Internal(format!("password task failed: {e}")))
}

/// A hash of a random password, verified against when the login does not exist, so an
/// unknown login takes as long to reject as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&random_token(16)).unwrap_or_default())
}

/// Returns `bytes` random bytes as lowercase hex.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // The operating system's generator fails only on a broken system; a zeroed token would
    // be guessable, so stop rather than continue with it.
    if let Err(error) = getrandom::fill(&mut buffer) {
        panic!("the operating system's random generator failed: {error}");
    }
    hex::encode(buffer)
}

/// SHA-256 of a high-entropy secret (session or API token) as hex: what the database keeps.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Generates a password for `vitrina user add` without `--password-stdin`: 20 characters
/// from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Bytes at or above the largest multiple of the alphabet size are skipped, so every
    // character is equally likely.
    let limit = 256 - 256 % ALPHABET.len();
    let mut password = String::with_capacity(20);
    while password.len() < 20 {
        let mut bytes = [0u8; 32];
        if let Err(error) = getrandom::fill(&mut bytes) {
            panic!("the operating system's random generator failed: {error}");
        }
        for byte in bytes.iter().map(|b| usize::from(*b)).filter(|b| *b < limit) {
            if password.len() < 20 {
                password.push(ALPHABET[byte % ALPHABET.len()] as char);
            }
        }
    }
    password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_with_owasp_parameters() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    }

    #[test]
    fn verify_accepts_right_and_rejects_wrong() {
        let phc = hash("правильный пароль").unwrap();
        assert!(verify("правильный пароль", &phc));
        assert!(!verify("неправильный пароль", &phc));
    }

    #[test]
    fn verify_rejects_malformed_hash() {
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn generated_password_meets_policy() {
        let password = generate_password();
        assert!(domain::identity::check_password(&password).is_ok());
        assert_ne!(password, generate_password());
    }
}
