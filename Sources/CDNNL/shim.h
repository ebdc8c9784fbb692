// oneDNN 2.x C API (Debian's libdnnl-dev).
#include <dnnl.h>
#include <dnnl_debug.h>

// Small helpers for Swift callers. `dnnl_dims_t` is a fixed-size C array that
// Swift imports as a 12-element tuple, so these take the dimensions one by one.

/// Initialises a 4-D f32 memory descriptor `[d0, d1, d2, d3]` with layout `tag`.
static inline dnnl_status_t lepton_md_init_4d(
    dnnl_memory_desc_t *md, int64_t d0, int64_t d1, int64_t d2, int64_t d3,
    dnnl_format_tag_t tag) {
  const dnnl_dims_t dims = {d0, d1, d2, d3};
  return dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

/// Initialises a 1-D f32 memory descriptor `[d0]` in the plain `x` layout.
static inline dnnl_status_t lepton_md_init_1d(dnnl_memory_desc_t *md, int64_t d0) {
  const dnnl_dims_t dims = {d0};
  return dnnl_memory_desc_init_by_tag(md, 1, dims, dnnl_f32, dnnl_x);
}

/// Initialises a forward 2-D convolution descriptor with equal stride and
/// padding on both spatial axes and symmetric padding.
static inline dnnl_status_t lepton_conv_forward_init(
    dnnl_convolution_desc_t *desc, dnnl_prop_kind_t prop_kind, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *bias,
    const dnnl_memory_desc_t *dst, int64_t stride, int64_t padding) {
  const dnnl_dims_t strides = {stride, stride};
  const dnnl_dims_t pads = {padding, padding};
  return dnnl_convolution_forward_desc_init(
      desc, prop_kind, dnnl_convolution_direct, src, weights, bias, dst, strides, pads, pads);
}

/// Initialises a backward-data 2-D convolution descriptor with the stride and padding
/// convention of `lepton_conv_forward_init`.
static inline dnnl_status_t lepton_conv_backward_data_init(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *diff_src,
    const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *diff_dst, int64_t stride,
    int64_t padding) {
  const dnnl_dims_t strides = {stride, stride};
  const dnnl_dims_t pads = {padding, padding};
  return dnnl_convolution_backward_data_desc_init(
      desc, dnnl_convolution_direct, diff_src, weights, diff_dst, strides, pads, pads);
}

/// Initialises a backward-weights 2-D convolution descriptor with the stride and padding
/// convention of `lepton_conv_forward_init`.
static inline dnnl_status_t lepton_conv_backward_weights_init(
    dnnl_convolution_desc_t *desc, const dnnl_memory_desc_t *src,
    const dnnl_memory_desc_t *diff_weights, const dnnl_memory_desc_t *diff_bias,
    const dnnl_memory_desc_t *diff_dst, int64_t stride, int64_t padding) {
  const dnnl_dims_t strides = {stride, stride};
  const dnnl_dims_t pads = {padding, padding};
  return dnnl_convolution_backward_weights_desc_init(
      desc, dnnl_convolution_direct, src, diff_weights, diff_bias, diff_dst, strides, pads,
      pads);
}

/// Initialises a 2-D f32 memory descriptor `[d0, d1]` in the plain row-major `nc` layout.
static inline dnnl_status_t lepton_md_init_2d(dnnl_memory_desc_t *md, int64_t d0, int64_t d1) {
  const dnnl_dims_t dims = {d0, d1};
  return dnnl_memory_desc_init_by_tag(md, 2, dims, dnnl_f32, dnnl_nc);
}

/// Initialises a forward pooling descriptor (`algorithm` max or average) with a square
/// window of size `kernel`, equal `stride` on both axes and no padding.
static inline dnnl_status_t lepton_pool_forward_init(
    dnnl_pooling_desc_t *desc, dnnl_prop_kind_t prop_kind, dnnl_alg_kind_t algorithm,
    const dnnl_memory_desc_t *src, const dnnl_memory_desc_t *dst, int64_t kernel_h,
    int64_t kernel_w, int64_t stride) {
  const dnnl_dims_t strides = {stride, stride};
  const dnnl_dims_t kernels = {kernel_h, kernel_w};
  const dnnl_dims_t pads = {0, 0};
  return dnnl_pooling_forward_desc_init(
      desc, prop_kind, algorithm, src, dst, strides, kernels, pads, pads);
}

/// Initialises a backward pooling descriptor matching `lepton_pool_forward_init`.
static inline dnnl_status_t lepton_pool_backward_init(
    dnnl_pooling_desc_t *desc, dnnl_alg_kind_t algorithm, const dnnl_memory_desc_t *diff_src,
    const dnnl_memory_desc_t *diff_dst, int64_t kernel_h, int64_t kernel_w, int64_t stride) {
  const dnnl_dims_t strides = {stride, stride};
  const dnnl_dims_t kernels = {kernel_h, kernel_w};
  const dnnl_dims_t pads = {0, 0};
  return dnnl_pooling_backward_desc_init(
      desc, algorithm, diff_src, diff_dst, strides, kernels, pads, pads);
}

/// Returns the implementation name of a primitive descriptor, such as
/// `jit:avx`, or an empty string when the query fails.
static inline const char *lepton_impl_name(const_dnnl_primitive_desc_t pd) {
  const char *name = "";
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success) {
    return "";
  }
  return name;
}
