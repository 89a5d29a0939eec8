//! In-process costs: parsing, merging, editing, resolving.

mod support;

use awsprof::chain::resolve;
use awsprof::document::Document;
use awsprof::profiles::{FileKind, ProfileFiles, ProfileSet, SourceFile};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use support::generate;

fn files(config: &str, credentials: &str) -> ProfileFiles {
    ProfileFiles::from_sources(
        SourceFile::from_bytes(FileKind::Config, Path::new("config"), config.as_bytes()).unwrap(),
        SourceFile::from_bytes(
            FileKind::Credentials,
            Path::new("credentials"),
            credentials.as_bytes(),
        )
        .unwrap(),
    )
    .unwrap()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for n in [100, 1_000, 10_000] {
        let text = generate::config(n);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("document", n), &text, |b, t| {
            b.iter(|| Document::parse(black_box(t.as_bytes())).unwrap())
        });
        let doc = Document::parse_str(&text);
        let empty = Document::default();
        group.bench_with_input(BenchmarkId::new("profile_set", n), &doc, |b, d| {
            b.iter(|| ProfileSet::from_documents(black_box(d), &empty).unwrap())
        });
    }
    group.finish();
}

fn edit(c: &mut Criterion) {
    let base = files(&generate::config(10_000), &generate::credentials(100));
    let mut group = c.benchmark_group("edit_10000");
    for (label, profile) in [("first", "p2"), ("last", "p9998")] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut f = base.clone();
                f.set_property(
                    FileKind::Config,
                    profile,
                    "role_arn",
                    "arn:aws:iam::123456789012:role/x",
                );
                black_box(f.config.document().to_bytes().len())
            })
        });
    }
    group.finish();
}

fn chain(c: &mut Criterion) {
    let f = files(&generate::chain(50), &generate::credentials(1));
    c.bench_function("resolve_50_hops", |b| {
        b.iter(|| resolve(black_box(&f.set), "hop50").unwrap())
    });
}

criterion_group!(benches, parse, edit, chain);
criterion_main!(benches);
