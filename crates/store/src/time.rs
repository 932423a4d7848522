/// The current instant as UTC milliseconds since the Unix epoch, the form in which
/// every instant is stored.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
