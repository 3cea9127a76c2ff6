//! One-entry memos of what the call path derives from the caller (its global condition
//! keys, its CloudTrail identity, how the policy language sees it). Consecutive calls
//! nearly always come from the same caller, so one entry is enough. Not part of the saved
//! world: a clone or a loaded world starts empty.

use std::fmt;
use std::sync::Arc;

use super::audit::UserIdentity;
use super::authz::GlobalsKey;
use super::call::Caller;
use super::principal::Principal;
use crate::policy::{Context, PrincipalInfo};

/// What the call path derives from the caller, kept for the next call.
#[derive(Clone, Debug, Default)]
pub struct Memos {
    /// The global condition keys (`authz::global_context_cached`).
    pub globals: Memo<GlobalsKey, Arc<Context>>,
    /// CloudTrail's `userIdentity` of a caller (`World::call_as`).
    pub identity: Memo<Caller, Arc<UserIdentity>>,
    /// The principal as the policy language sees it (`authz::principal_info`).
    pub principal: Memo<Principal, Arc<PrincipalInfo>>,
}

/// The value for the last key asked, rebuilt when the key changes.
pub struct Memo<K, V>(parking_lot::Mutex<Option<(K, V)>>);

impl<K, V: Clone> Memo<K, V> {
    /// The remembered value if `is_key` accepts the remembered key; else `make()` gives the
    /// key and value to remember (so the key is only built, and cloned, on a miss).
    pub fn get(&self, is_key: impl FnOnce(&K) -> bool, make: impl FnOnce() -> (K, V)) -> V {
        let mut slot = self.0.lock();
        if let Some((k, v)) = slot.as_ref()
            && is_key(k)
        {
            return v.clone();
        }
        let (k, v) = make();
        *slot = Some((k, v.clone()));
        v
    }
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(parking_lot::Mutex::new(None))
    }
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl<K, V> fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Memo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_last_key_only() {
        let m: Memo<u32, String> = Memo::default();
        let made = std::cell::Cell::new(0);
        let get = |k: u32| {
            m.get(
                |old| *old == k,
                || {
                    made.set(made.get() + 1);
                    (k, format!("v{k}"))
                },
            )
        };
        assert_eq!(get(1), "v1");
        assert_eq!(get(1), "v1");
        assert_eq!(get(2), "v2");
        assert_eq!(get(1), "v1");
        assert_eq!(made.get(), 3, "1, then 2, then 1 again: a new key replaces the remembered one");
        assert!(m.clone().0.lock().is_none(), "a clone starts empty");
    }
}
