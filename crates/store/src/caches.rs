//! What feature modules keep in memory beside a store (the targets tables,
//! the reports' routing, how far the audit chain was checked), held by type
//! so that the store carrying them depends on none of those modules.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// One value of each cache type, made empty the first time it is asked for
/// and shared by every clone of the store.
#[derive(Default)]
pub(crate) struct Caches(RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Caches {
    /// The cache of type `T`.
    pub(crate) fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let found = self.0.read().unwrap_or_else(|e| e.into_inner()).get(&TypeId::of::<T>()).cloned();
        if let Some(Ok(cache)) = found.map(|c| c.downcast::<T>()) {
            return cache;
        }
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default()));
        // The entry under T's id always holds a T.
        entry.clone().downcast::<T>().unwrap_or_default()
    }
}
