using Ember.Backends.Cpu.Conv;

namespace Ember.Backends.Cpu;

// Pooling entry points: dispatch the dtype once and hand the arrays, with their offsets, to the loops.
internal sealed partial class CpuBackend
{
    public void MaxPool2d(Storage x, Layout xl, Storage y, Layout yl, Storage indices, Layout il, PoolWindows p)
    {
        switch (y.DType)
        {
            case DType.Float32: PoolKernels<float>.Max(Data<float>(x), xl.Offset, Data<float>(y), yl.Offset, Data<long>(indices), il.Offset, p); break;
            case DType.Float64: PoolKernels<double>.Max(Data<double>(x), xl.Offset, Data<double>(y), yl.Offset, Data<long>(indices), il.Offset, p); break;
            default: throw Unsupported("max_pool2d", y.DType);
        }
    }

    public void MaxPool2dBackward(Storage gy, Layout gyl, Storage indices, Layout il, Storage gx, Layout gxl, int planes, int inPlane, int outPlane)
    {
        switch (gx.DType)
        {
            case DType.Float32: PoolKernels<float>.MaxBackward(Data<float>(gy), gyl.Offset, Data<long>(indices), il.Offset, Data<float>(gx), gxl.Offset, planes, inPlane, outPlane); break;
            case DType.Float64: PoolKernels<double>.MaxBackward(Data<double>(gy), gyl.Offset, Data<long>(indices), il.Offset, Data<double>(gx), gxl.Offset, planes, inPlane, outPlane); break;
            default: throw Unsupported("max_pool2d_backward", gx.DType);
        }
    }

    public void AvgPool2d(Storage x, Layout xl, Storage y, Layout yl, PoolWindows p)
    {
        switch (y.DType)
        {
            case DType.Float32: PoolKernels<float>.Avg(Data<float>(x), xl.Offset, Data<float>(y), yl.Offset, p); break;
            case DType.Float64: PoolKernels<double>.Avg(Data<double>(x), xl.Offset, Data<double>(y), yl.Offset, p); break;
            default: throw Unsupported("avg_pool2d", y.DType);
        }
    }

    public void AvgPool2dBackward(Storage gy, Layout gyl, Storage gx, Layout gxl, PoolWindows p)
    {
        switch (gx.DType)
        {
            case DType.Float32: PoolKernels<float>.AvgBackward(Data<float>(gy), gyl.Offset, Data<float>(gx), gxl.Offset, p); break;
            case DType.Float64: PoolKernels<double>.AvgBackward(Data<double>(gy), gyl.Offset, Data<double>(gx), gxl.Offset, p); break;
            default: throw Unsupported("avg_pool2d_backward", gx.DType);
        }
    }
}
