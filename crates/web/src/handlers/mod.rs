//! One module per resource.

pub(crate) mod assets;
pub(crate) mod health;
pub(crate) mod home;
