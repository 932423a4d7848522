//! `extract` over about 1 MB of prose with citations.
//!
//! ```sh
//! cargo bench -p abide-scripture --bench extract
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// About 1 MB: the seed page (our own prose, dense with citations) followed
/// by plainer paragraphs, repeated.
fn text() -> String {
    let seed = include_str!("../tests/fixtures/seed.txt");
    let plain = "Some mornings the house is quiet before anyone else wakes, and the \
                 kettle is the only sound. On 12 March we met at 7:30 in room 4B; 23 \
                 people came, and the next meeting is on the 2nd floor. ";
    let mut text = String::with_capacity(1 << 20);
    while text.len() < 1 << 20 {
        text.push_str(seed);
        text.push_str(plain);
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = text();
    let count = abide_scripture::extract(&text).len();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(format!("1 MB, {count} citations"), |b| {
        b.iter(|| abide_scripture::extract(black_box(&text)).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
