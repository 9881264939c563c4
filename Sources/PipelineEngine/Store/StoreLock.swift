import Foundation

/// An exclusive advisory lock (flock) on the store, held by the one `icar run` or `icar gc` that may write.
/// The kernel releases it when the holder dies, so a killed run never leaves the store locked.
public final class StoreLock {
    private let descriptor: Int32
    private let isShared: Bool
    public let path: String

    /// Takes the lock, waiting for it when `wait` is true; otherwise fails at once with a message naming the holder.
    /// A `shared` lock (readers such as audit) excludes only the exclusive holder, a writing run.
    public init(path: String, wait: Bool, command: String, shared: Bool = false,
                hint: String = "wait for it to finish, or pass --wait to queue behind it") throws {
        self.path = path
        var fd = open(path, O_RDWR | O_CREAT, 0o644)
        // A reader may check a store it cannot write (a read-only mount): flock works on a read-only descriptor too.
        if fd < 0, shared, errno == EROFS || errno == EACCES { fd = open(path, O_RDONLY) }
        guard fd >= 0 else { throw PipelineError.system("open the store lock", path, errno: errno) }
        let mode = shared ? LOCK_SH : LOCK_EX
        if flock(fd, mode | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                close(fd)
                throw PipelineError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !wait {
                close(fd)
                let who = holder.isEmpty ? "another icar process" : holder
                throw PipelineError("the store \((path as NSString).deletingLastPathComponent) is in use by \(who); \(hint)",
                                    category: .busy)
            }
            FileHandle.standardError.write(Data("icar: waiting for the store lock (held by \(holder.isEmpty ? "another run" : holder))\n".utf8))
            while flock(fd, mode) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw PipelineError("cannot lock \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        descriptor = fd
        isShared = shared
        // Only the writer describes itself in the lock file; readers leave the description alone.
        if shared { return }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let description = "\(command) (pid \(getpid()), started \(stamp))\n"
        ftruncate(fd, 0)
        _ = description.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        if !isShared { ftruncate(descriptor, 0) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
