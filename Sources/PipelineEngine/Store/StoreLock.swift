import Foundation

/// An exclusive advisory lock (flock) on the store, held by the one `icar run` or `icar gc` that may write.
/// The kernel releases it when the holder dies, so a killed run never leaves the store locked.
public final class StoreLock {
    private let descriptor: Int32
    public let path: String

    /// Takes the lock, waiting for it when `wait` is true; otherwise fails at once with a message naming the holder.
    public init(path: String, wait: Bool, command: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw PipelineError("cannot open the store lock \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                close(fd)
                throw PipelineError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !wait {
                close(fd)
                let who = holder.isEmpty ? "another icar process" : holder
                throw PipelineError("the store \((path as NSString).deletingLastPathComponent) is in use by \(who); "
                    + "wait for it to finish, or pass --wait to queue behind it", category: .busy)
            }
            FileHandle.standardError.write(Data("icar: waiting for the store lock (held by \(holder.isEmpty ? "another run" : holder))\n".utf8))
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw PipelineError("cannot lock \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        descriptor = fd
        let stamp = ISO8601DateFormatter().string(from: Date())
        let description = "\(command) (pid \(getpid()), started \(stamp))\n"
        ftruncate(fd, 0)
        _ = description.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
