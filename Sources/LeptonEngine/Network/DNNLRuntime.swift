import CDNNL

/// Throws `NetworkError.dnnlFailed` unless `status` is `dnnl_success`.
@inline(__always)
func checkDNNL(_ status: dnnl_status_t, _ operation: @autoclosure () -> String) throws {
  guard status == dnnl_success else {
    let name = dnnl_status2str(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
    throw NetworkError.dnnlFailed(operation: operation(), status: name)
  }
}

/// A oneDNN CPU engine and the in-order stream that runs every primitive of a network.
final class DNNLContext {
  let engine: dnnl_engine_t
  let stream: dnnl_stream_t

  init() throws {
    var engine: dnnl_engine_t?
    try checkDNNL(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
    guard let engine else {
      throw NetworkError.dnnlFailed(operation: "dnnl_engine_create", status: "null engine")
    }
    var stream: dnnl_stream_t?
    let status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)
    guard status == dnnl_success, let stream else {
      dnnl_engine_destroy(engine)
      try checkDNNL(status, "dnnl_stream_create")
      throw NetworkError.dnnlFailed(operation: "dnnl_stream_create", status: "null stream")
    }
    self.engine = engine
    self.stream = stream
  }

  /// Blocks until every primitive submitted to the stream has finished.
  func wait() throws {
    try checkDNNL(dnnl_stream_wait(stream), "dnnl_stream_wait")
  }

  deinit {
    dnnl_stream_destroy(stream)
    dnnl_engine_destroy(engine)
  }
}

/// Returns a 4-D f32 memory descriptor `[d0, d1, d2, d3]` with layout `tag`.
func memoryDescriptor4D(
  _ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int, _ tag: dnnl_format_tag_t
) throws -> dnnl_memory_desc_t {
  var descriptor = dnnl_memory_desc_t()
  try checkDNNL(
    lepton_md_init_4d(&descriptor, Int64(d0), Int64(d1), Int64(d2), Int64(d3), tag),
    "dnnl_memory_desc_init_by_tag [\(d0), \(d1), \(d2), \(d3)]")
  return descriptor
}

/// Returns a 1-D f32 memory descriptor `[d0]`.
func memoryDescriptor1D(_ d0: Int) throws -> dnnl_memory_desc_t {
  var descriptor = dnnl_memory_desc_t()
  try checkDNNL(lepton_md_init_1d(&descriptor, Int64(d0)), "dnnl_memory_desc_init_by_tag [\(d0)]")
  return descriptor
}

/// Returns whether two memory descriptors describe the same layout.
func sameLayout(_ lhs: dnnl_memory_desc_t, _ rhs: dnnl_memory_desc_t) -> Bool {
  var lhs = lhs
  var rhs = rhs
  return dnnl_memory_desc_equal(&lhs, &rhs) != 0
}

/// A oneDNN primitive descriptor: the operation, its memory layouts and the chosen kernel.
final class PrimitiveDescriptor {
  let name: String
  let handle: dnnl_primitive_desc_t

  /// Creates a descriptor from an operation descriptor such as `dnnl_convolution_desc_t`.
  init(
    name: String, operation: UnsafeRawPointer, attributes: dnnl_primitive_attr_t? = nil,
    context: DNNLContext, hint: PrimitiveDescriptor? = nil
  ) throws {
    var handle: dnnl_primitive_desc_t?
    try checkDNNL(
      dnnl_primitive_desc_create(&handle, operation, attributes, context.engine, hint?.handle),
      "dnnl_primitive_desc_create (\(name))")
    guard let handle else {
      throw NetworkError.dnnlFailed(
        operation: "dnnl_primitive_desc_create (\(name))", status: "null")
    }
    self.name = name
    self.handle = handle
  }

  /// Creates a reorder descriptor that converts `source` to the layout of `destination`.
  init(
    reorderName name: String, from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t,
    context: DNNLContext
  ) throws {
    var source = source
    var destination = destination
    var handle: dnnl_primitive_desc_t?
    try checkDNNL(
      dnnl_reorder_primitive_desc_create(
        &handle, &source, context.engine, &destination, context.engine, nil),
      "dnnl_reorder_primitive_desc_create (\(name))")
    guard let handle else {
      throw NetworkError.dnnlFailed(
        operation: "dnnl_reorder_primitive_desc_create (\(name))", status: "null")
    }
    self.name = name
    self.handle = handle
  }

  /// Returns the memory descriptor for `query`, or a zero descriptor when the
  /// primitive has no such memory (for example no workspace).
  func memoryDescriptor(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
    guard let pointer = dnnl_primitive_desc_query_md(handle, query, index) else {
      return dnnl_memory_desc_t()
    }
    return pointer.pointee
  }

  /// The implementation oneDNN chose, such as `jit:avx`.
  var implementation: String { String(cString: lepton_impl_name(handle)) }

  deinit { dnnl_primitive_desc_destroy(handle) }
}

/// A oneDNN memory object over 64-byte aligned storage, owned or borrowed.
final class DNNLMemory {
  let descriptor: dnnl_memory_desc_t
  let handle: dnnl_memory_t
  /// Size of the storage in bytes, including any padding of a blocked layout.
  let byteCount: Int
  private(set) var storage: UnsafeMutableRawPointer
  private let ownsStorage: Bool

  /// Allocates zeroed storage for `descriptor`.
  convenience init(descriptor: dnnl_memory_desc_t, context: DNNLContext, name: String) throws {
    var descriptor = descriptor
    let byteCount = max(dnnl_memory_desc_get_size(&descriptor), 4)
    let storage = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    storage.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    try self.init(
      descriptor: descriptor, context: context, name: name, storage: storage, owns: true)
  }

  /// Wraps storage that the caller owns and keeps alive for the lifetime of this object.
  convenience init(
    descriptor: dnnl_memory_desc_t, context: DNNLContext, name: String,
    borrowing storage: UnsafeMutableRawPointer
  ) throws {
    try self.init(
      descriptor: descriptor, context: context, name: name, storage: storage, owns: false)
  }

  private init(
    descriptor: dnnl_memory_desc_t, context: DNNLContext, name: String,
    storage: UnsafeMutableRawPointer, owns: Bool
  ) throws {
    var descriptor = descriptor
    var handle: dnnl_memory_t?
    let status = dnnl_memory_create(&handle, &descriptor, context.engine, storage)
    guard status == dnnl_success, let handle else {
      if owns { storage.deallocate() }
      try checkDNNL(status, "dnnl_memory_create (\(name))")
      throw NetworkError.dnnlFailed(operation: "dnnl_memory_create (\(name))", status: "null")
    }
    self.descriptor = descriptor
    self.handle = handle
    self.byteCount = dnnl_memory_desc_get_size(&descriptor)
    self.storage = storage
    self.ownsStorage = owns
  }

  var floats: UnsafeMutablePointer<Float> { storage.assumingMemoryBound(to: Float.self) }

  /// Points a borrowing memory object at new storage, such as the caller's image batch.
  func rebind(to pointer: UnsafeMutableRawPointer) throws {
    precondition(!ownsStorage, "rebind is only valid for borrowed storage")
    try checkDNNL(dnnl_memory_set_data_handle(handle, pointer), "dnnl_memory_set_data_handle")
    storage = pointer
  }

  deinit {
    dnnl_memory_destroy(handle)
    if ownsStorage { storage.deallocate() }
  }
}

/// A created primitive with its execution arguments bound once, so running it allocates nothing.
final class Primitive {
  let name: String
  let implementation: String
  private let handle: dnnl_primitive_t
  private let arguments: UnsafeMutableBufferPointer<dnnl_exec_arg_t>
  /// Keeps the bound memory objects alive while the primitive can run.
  private let memories: [DNNLMemory]

  init(descriptor: PrimitiveDescriptor, arguments: [(Int32, DNNLMemory)]) throws {
    var handle: dnnl_primitive_t?
    try checkDNNL(
      dnnl_primitive_create(&handle, descriptor.handle),
      "dnnl_primitive_create (\(descriptor.name))")
    guard let handle else {
      throw NetworkError.dnnlFailed(
        operation: "dnnl_primitive_create (\(descriptor.name))", status: "null")
    }
    self.name = descriptor.name
    self.implementation = descriptor.implementation
    self.handle = handle
    self.arguments = .allocate(capacity: arguments.count)
    for (index, argument) in arguments.enumerated() {
      self.arguments[index] = dnnl_exec_arg_t(arg: argument.0, memory: argument.1.handle)
    }
    self.memories = arguments.map(\.1)
  }

  /// Creates a reorder from `source` to `destination`.
  convenience init(
    reorderName name: String, from source: DNNLMemory, to destination: DNNLMemory,
    context: DNNLContext
  ) throws {
    let descriptor = try PrimitiveDescriptor(
      reorderName: name, from: source.descriptor, to: destination.descriptor, context: context)
    try self.init(
      descriptor: descriptor,
      arguments: [(DNNL_ARG_FROM, source), (DNNL_ARG_TO, destination)])
  }

  func execute(_ context: DNNLContext) throws {
    try checkDNNL(
      dnnl_primitive_execute(
        handle, context.stream, Int32(arguments.count), UnsafePointer(arguments.baseAddress)),
      "dnnl_primitive_execute (\(name))")
  }

  deinit {
    dnnl_primitive_destroy(handle)
    arguments.deallocate()
  }
}

/// Returns a 2-D f32 memory descriptor `[d0, d1]`, plain row-major.
func memoryDescriptor2D(_ d0: Int, _ d1: Int) throws -> dnnl_memory_desc_t {
  var descriptor = dnnl_memory_desc_t()
  try checkDNNL(
    lepton_md_init_2d(&descriptor, Int64(d0), Int64(d1)),
    "dnnl_memory_desc_init_by_tag [\(d0), \(d1)]")
  return descriptor
}
