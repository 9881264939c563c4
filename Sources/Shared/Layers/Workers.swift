import Dispatch

/// Splits `count` independent items into at most `workers` contiguous blocks run in parallel, passing each block's
/// index (for per-worker scratch) and range. Callers only parallelise work whose items write disjoint outputs, so
/// results do not depend on the number of workers.
@inline(__always)
public func forEachBlock(_ count: Int, workers: Int, _ body: (_ block: Int, _ items: Range<Int>) -> Void) {
    let blocks = max(1, min(workers, count))
    if blocks == 1 { body(0, 0..<count); return }
    DispatchQueue.concurrentPerform(iterations: blocks) { block in
        body(block, (block * count / blocks)..<((block + 1) * count / blocks))
    }
}
