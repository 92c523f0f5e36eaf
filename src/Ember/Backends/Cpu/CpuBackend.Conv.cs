using Ember.Backends.Cpu.Conv;

namespace Ember.Backends.Cpu;

// Convolution entry points: dispatch the dtype once and hand the arrays, with their offsets, to
// the im2col + GEMM kernels.
internal sealed partial class CpuBackend
{
    public void ConvForward(Storage x, Layout xl, Storage w, Layout wl, Storage? bias, Layout? bl, Storage y, Layout yl, ConvGeometry g)
    {
        switch (y.DType)
        {
            case DType.Float32: ConvKernels<float>.Forward(Data<float>(x), xl.Offset, Data<float>(w), wl.Offset, bias is null ? null : Data<float>(bias), bl?.Offset ?? 0, Data<float>(y), yl.Offset, g); break;
            case DType.Float64: ConvKernels<double>.Forward(Data<double>(x), xl.Offset, Data<double>(w), wl.Offset, bias is null ? null : Data<double>(bias), bl?.Offset ?? 0, Data<double>(y), yl.Offset, g); break;
            default: throw Unsupported("convolution", y.DType);
        }
    }

    public void ConvTranspose(Storage gy, Layout gyl, Storage w, Layout wl, Storage? bias, Layout? bl, Storage gx, Layout gxl, ConvGeometry g)
    {
        switch (gx.DType)
        {
            case DType.Float32: ConvKernels<float>.Transpose(Data<float>(gy), gyl.Offset, Data<float>(w), wl.Offset, bias is null ? null : Data<float>(bias), bl?.Offset ?? 0, Data<float>(gx), gxl.Offset, g); break;
            case DType.Float64: ConvKernels<double>.Transpose(Data<double>(gy), gyl.Offset, Data<double>(w), wl.Offset, bias is null ? null : Data<double>(bias), bl?.Offset ?? 0, Data<double>(gx), gxl.Offset, g); break;
            default: throw Unsupported("conv_transpose", gx.DType);
        }
    }

    public void ConvWeightGrad(Storage x, Layout xl, Storage gy, Layout gyl, Storage gw, Layout gwl, ConvGeometry g)
    {
        switch (gw.DType)
        {
            case DType.Float32: ConvKernels<float>.WeightGrad(Data<float>(x), xl.Offset, Data<float>(gy), gyl.Offset, Data<float>(gw), gwl.Offset, g); break;
            case DType.Float64: ConvKernels<double>.WeightGrad(Data<double>(x), xl.Offset, Data<double>(gy), gyl.Offset, Data<double>(gw), gwl.Offset, g); break;
            default: throw Unsupported("convolution_backward", gw.DType);
        }
    }

    private static NotSupportedException Unsupported(string op, DType dtype) =>
        new($"cpu: {op} is not implemented for {dtype.TorchName()}; convert the tensors to a floating dtype first.");
}
