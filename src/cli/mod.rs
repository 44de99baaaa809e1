//! One module per command; each calls the library and prints for people.

pub mod build;
