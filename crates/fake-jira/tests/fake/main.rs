//! Integration tests for the fake Jira Cloud server: behaviour over real HTTP (reqwest)
//! and the shapes of its answers checked against the official OpenAPI schemas.

mod auth;
mod faults;
mod permissions;
mod products;
mod projects;
mod real_sites;
mod schema;
mod site_answers;
mod support;
