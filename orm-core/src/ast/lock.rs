//! Row locks a read takes (`FOR UPDATE` / `FOR SHARE`), until its transaction ends.

/// How strongly the rows a read returns are locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockStrength {
    /// `FOR UPDATE`: no other transaction may lock, update or delete the rows.
    Update,
    /// `FOR SHARE`: others may read-lock the rows too, but not update or delete them.
    Share,
}

/// What a read does when a row it would lock is locked by another transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum LockWait {
    /// Waits (until the backend's lock timeout).
    #[default]
    Wait,
    /// Fails at once (`NOWAIT`).
    NoWait,
    /// Leaves the locked rows out (`SKIP LOCKED`).
    SkipLocked,
}

/// A row lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lock {
    pub strength: LockStrength,
    pub wait: LockWait,
}
