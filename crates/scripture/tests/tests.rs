//! Integration tests of `abide-scripture`: one binary, one module per topic.

mod forms;
mod seed;
mod util;
