//! List every segment, lazily, one page of 100 in memory at a time.

use amperity::PageOptions;

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect()?;
    let mut count = 0;
    for segment in connection
        .client
        .list_segments(PageOptions::limit(100))
        .items()
    {
        let segment = segment?;
        println!("{}\t{}", segment.id, segment.name);
        count += 1;
    }
    println!("{count} segments");
    Ok(())
}
