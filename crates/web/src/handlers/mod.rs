//! One module per resource.

pub(crate) mod assets;
pub(crate) mod authors;
pub(crate) mod bounces;
pub(crate) mod entries;
pub(crate) mod feeds;
pub(crate) mod health;
pub(crate) mod home;
pub(crate) mod journeys;
pub(crate) mod passages;
pub(crate) mod practices;
pub(crate) mod preferences;
pub(crate) mod search;
pub(crate) mod subscribe;
pub(crate) mod tags;
