//! One CUDA device in use: driver initialisation, the device's primary
//! context, the loaded kernels, a caching allocator, checked launches and
//! event timers.
//!
//! A [`Runtime`] is opened once per device and process, on first use, and
//! kept for the life of the process. Every entry point binds the device's
//! context to the calling thread first, so tensors may be used from any thread.

use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cust::memory::{CopyDestination, DeviceBuffer};
use cust::sys as drv;

use super::error::{check, check_available, describe, from_cust, CudaError};
use super::kernels::{Arg, Kernel, PTX_SM70, PTX_SM90};
use super::Device;

/// Facts about a CUDA device.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceInfo {
    /// The device's ordinal.
    pub ordinal: usize,
    /// Its name, e.g. `NVIDIA H100 80GB HBM3`.
    pub name: String,
    /// Compute capability (major, minor).
    pub compute_capability: (i32, i32),
    /// Streaming multiprocessors.
    pub multiprocessors: i32,
    /// Device memory in bytes.
    pub total_memory: usize,
    /// The driver's CUDA version, e.g. 13000 for 13.0.
    pub driver_version: i32,
    /// Which embedded PTX was loaded (`sm90` or `sm70`).
    pub ptx: &'static str,
}

/// Extra checking for tests: both off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// Fill every buffer the backend allocates with NaN (all bytes 0xFF), so
    /// that an element a kernel fails to write shows up as NaN.
    pub poison_outputs: bool,
    /// Synchronize after every launch, so that a failing kernel is named in
    /// the error instead of surfacing at a later call.
    pub synchronize_each_launch: bool,
}

static POISON: AtomicBool = AtomicBool::new(false);
static SYNC_EACH: AtomicBool = AtomicBool::new(false);

/// Turns the test checks on or off for every device (process-wide).
pub fn set_checks(checks: Checks) {
    POISON.store(checks.poison_outputs, Ordering::SeqCst);
    SYNC_EACH.store(checks.synchronize_each_launch, Ordering::SeqCst);
}

/// The checks in force.
pub fn checks() -> Checks {
    Checks {
        poison_outputs: POISON.load(Ordering::SeqCst),
        synchronize_each_launch: SYNC_EACH.load(Ordering::SeqCst),
    }
}

/// An opened CUDA device.
pub(crate) struct Runtime {
    info: DeviceInfo,
    context: drv::CUcontext,
    functions: Vec<drv::CUfunction>,
    /// Freed buffers by element count, reused by later allocations of the same
    /// size (an eager engine allocates the same sizes over and over).
    pool: Mutex<HashMap<usize, Vec<DeviceBuffer<f64>>>>,
}

// SAFETY: the raw handles are driver objects that the CUDA driver API allows
// to be used from any thread once their context is current (which `bind`
// ensures before every use); the pool is behind a mutex.
unsafe impl Send for Runtime {}
// SAFETY: as above; no method hands out references to unsynchronised state.
unsafe impl Sync for Runtime {}

static RUNTIMES: Mutex<Vec<Option<Arc<Runtime>>>> = Mutex::new(Vec::new());

thread_local! {
    /// The context this thread last made current (as an address).
    static CURRENT: Cell<usize> = const { Cell::new(0) };
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The runtime of `device`, opened on first use.
pub(crate) fn runtime(device: Device) -> Result<Arc<Runtime>, CudaError> {
    let ordinal = match device {
        Device::Cuda(k) => k,
        Device::Cpu => return Err(CudaError::NotACudaDevice(device)),
    };
    let mut all = lock(&RUNTIMES);
    if let Some(Some(rt)) = all.get(ordinal) {
        return Ok(rt.clone());
    }
    let rt = Arc::new(Runtime::open(ordinal)?);
    if all.len() <= ordinal {
        all.resize(ordinal + 1, None);
    }
    all[ordinal] = Some(rt.clone());
    Ok(rt)
}

/// Facts about `device`, opening it if needed. On a machine without a GPU
/// this is the call that says so ([`CudaError::Unavailable`]).
pub fn device_info(device: Device) -> Result<DeviceInfo, CudaError> {
    Ok(runtime(device)?.info.clone())
}

/// Waits for all work queued on `device`, reporting any asynchronous failure.
pub fn synchronize(device: Device) -> Result<(), CudaError> {
    runtime(device)?.synchronize()
}

/// Frees the buffers that the caching allocator of `device` keeps for reuse.
pub fn empty_cache(device: Device) -> Result<(), CudaError> {
    runtime(device)?.empty_cache();
    Ok(())
}

impl Runtime {
    fn open(ordinal: usize) -> Result<Runtime, CudaError> {
        // SAFETY (all driver calls below): plain FFI calls with valid out-
        // pointers to locals; results are checked before any value is used.
        unsafe {
            check_available("cuInit", drv::cuInit(0))?;
            let mut count = 0i32;
            check_available("cuDeviceGetCount", drv::cuDeviceGetCount(&mut count))?;
            if ordinal >= count.max(0) as usize {
                return Err(CudaError::NoSuchDevice {
                    ordinal,
                    count: count.max(0) as usize,
                });
            }
            let mut dev: drv::CUdevice = 0;
            check_available("cuDeviceGet", drv::cuDeviceGet(&mut dev, ordinal as i32))?;
            let attr = |a: drv::CUdevice_attribute| -> Result<i32, CudaError> {
                let mut v = 0i32;
                check_available(
                    "cuDeviceGetAttribute",
                    drv::cuDeviceGetAttribute(&mut v, a, dev),
                )?;
                Ok(v)
            };
            use drv::CUdevice_attribute_enum as A;
            let cc = (
                attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
                attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
            );
            let multiprocessors = attr(A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
            let mut name = [0 as std::ffi::c_char; 256];
            check_available(
                "cuDeviceGetName",
                drv::cuDeviceGetName(name.as_mut_ptr(), 256, dev),
            )?;
            let name = std::ffi::CStr::from_ptr(name.as_ptr())
                .to_string_lossy()
                .into_owned();
            let mut total_memory = 0usize;
            check_available(
                "cuDeviceTotalMem",
                drv::cuDeviceTotalMem_v2(&mut total_memory, dev),
            )?;
            let mut driver_version = 0i32;
            check_available(
                "cuDriverGetVersion",
                drv::cuDriverGetVersion(&mut driver_version),
            )?;
            let mut context: drv::CUcontext = std::ptr::null_mut();
            check_available(
                "cuDevicePrimaryCtxRetain",
                drv::cuDevicePrimaryCtxRetain(&mut context, dev),
            )?;
            check_available("cuCtxSetCurrent", drv::cuCtxSetCurrent(context))?;
            CURRENT.with(|c| c.set(context as usize));
            let (ptx, ptx_name) = if cc.0 >= 9 {
                (PTX_SM90, "sm90")
            } else if cc.0 >= 7 {
                (PTX_SM70, "sm70")
            } else {
                let (name, message) = describe(209);
                return Err(CudaError::ModuleLoad {
                    code: 209,
                    name,
                    message,
                    log: format!(
                        "compute capability {}.{} is below 7.0, the oldest the kernels are built for",
                        cc.0, cc.1
                    ),
                });
            };
            let module = load_module(ptx)?;
            let mut functions = Vec::with_capacity(Kernel::ALL.len());
            for k in Kernel::ALL {
                let cname = CString::new(k.name()).expect("kernel names have no NUL");
                let mut f: drv::CUfunction = std::ptr::null_mut();
                check(
                    || format!("cuModuleGetFunction({})", k.name()),
                    drv::cuModuleGetFunction(&mut f, module, cname.as_ptr()),
                )?;
                functions.push(f);
            }
            Ok(Runtime {
                info: DeviceInfo {
                    ordinal,
                    name,
                    compute_capability: cc,
                    multiprocessors,
                    total_memory,
                    driver_version,
                    ptx: ptx_name,
                },
                context,
                functions,
                pool: Mutex::new(HashMap::new()),
            })
        }
    }

    /// The device this runtime drives.
    pub(crate) fn device(&self) -> Device {
        Device::Cuda(self.info.ordinal)
    }

    /// Makes this device's context current on the calling thread.
    pub(crate) fn bind(&self) -> Result<(), CudaError> {
        let ctx = self.context as usize;
        if CURRENT.with(|c| c.get()) != ctx {
            // SAFETY: the context was retained in `open` and is never released.
            check(|| "cuCtxSetCurrent".into(), unsafe {
                drv::cuCtxSetCurrent(self.context)
            })?;
            CURRENT.with(|c| c.set(ctx));
        }
        Ok(())
    }

    /// Waits for the device, reporting asynchronous failures.
    pub(crate) fn synchronize(&self) -> Result<(), CudaError> {
        self.bind()?;
        // SAFETY: plain FFI call with the context bound.
        check(|| "cuCtxSynchronize".into(), unsafe {
            drv::cuCtxSynchronize()
        })
    }

    /// Launches `kernel` on the legacy default stream (all work of the backend
    /// is ordered on it, host copies included) after checking the arguments
    /// against the kernel's signature.
    pub(crate) fn launch(
        &self,
        kernel: Kernel,
        grid: (u32, u32),
        block: u32,
        args: &[Arg],
    ) -> Result<(), CudaError> {
        let expected = kernel.signature();
        if args.len() != expected.len() || args.iter().zip(expected).any(|(a, e)| a.kind() != *e) {
            return Err(CudaError::KernelSignature {
                kernel: kernel.name(),
                expected: format!("{expected:?}"),
                found: format!("{:?}", args.iter().map(Arg::kind).collect::<Vec<_>>()),
            });
        }
        if grid.0 == 0 || grid.1 == 0 {
            return Ok(());
        }
        self.bind()?;
        let mut args = args.to_vec();
        let mut params: Vec<*mut c_void> = args.iter_mut().map(Arg::as_param).collect();
        // SAFETY: the function handle belongs to this context; `params` holds
        // one pointer per kernel parameter, each to a value of the C type the
        // kernel declares (checked above against the signature table, which the
        // unit tests check against the PTX); device pointers come from live
        // `DeviceMem` buffers owned by the caller for the duration of the call.
        let result = unsafe {
            drv::cuLaunchKernel(
                self.functions[kernel as usize],
                grid.0,
                grid.1,
                1,
                block,
                1,
                1,
                0,
                std::ptr::null_mut(),
                params.as_mut_ptr(),
                std::ptr::null_mut(),
            )
        };
        check(|| format!("cuLaunchKernel({})", kernel.name()), result)?;
        if SYNC_EACH.load(Ordering::Relaxed) {
            // SAFETY: plain FFI call with the context bound.
            check(
                || format!("{} (synchronize after launch)", kernel.name()),
                unsafe { drv::cuCtxSynchronize() },
            )?;
        }
        Ok(())
    }

    /// A buffer of `len` f64, reused from the cache when one of that size is
    /// free; filled with NaN when [`Checks::poison_outputs`] is on.
    pub(crate) fn alloc(self: &Arc<Self>, len: usize) -> Result<DeviceMem, CudaError> {
        let cached = lock(&self.pool).get_mut(&len).and_then(Vec::pop);
        let buf = match cached {
            Some(buf) => buf,
            None => {
                self.bind()?;
                // SAFETY: the buffer is uninitialised; every kernel writes its
                // output before any read (poisoning makes violations visible).
                match unsafe { DeviceBuffer::uninitialized(len) } {
                    Ok(buf) => buf,
                    Err(cust::error::CudaError::OutOfMemory) => {
                        self.empty_cache();
                        // SAFETY: as above.
                        unsafe { DeviceBuffer::uninitialized(len) }
                            .map_err(|e| from_cust("cuMemAlloc", e))?
                    }
                    Err(e) => return Err(from_cust("cuMemAlloc", e)),
                }
            }
        };
        let mem = DeviceMem {
            buf: Some(buf),
            rt: self.clone(),
        };
        if POISON.load(Ordering::Relaxed) && len > 0 {
            self.bind()?;
            // SAFETY: writes len * 8 bytes inside the live allocation.
            check(|| "cuMemsetD8 (NaN poison)".into(), unsafe {
                drv::cuMemsetD8_v2(mem.ptr(), 0xFF, len * 8)
            })?;
        }
        Ok(mem)
    }

    /// A buffer holding a copy of `data`.
    pub(crate) fn upload(self: &Arc<Self>, data: &[f64]) -> Result<DeviceMem, CudaError> {
        let mut mem = self.alloc(data.len())?;
        if !data.is_empty() {
            self.bind()?;
            mem.buffer_mut()
                .copy_from(data)
                .map_err(|e| from_cust("cuMemcpyHtoD", e))?;
        }
        Ok(mem)
    }

    /// Copies `src` into a new buffer, on the device.
    pub(crate) fn copy(self: &Arc<Self>, src: &DeviceMem) -> Result<DeviceMem, CudaError> {
        let dst = self.alloc(src.len())?;
        self.copy_into(src, &dst)?;
        Ok(dst)
    }

    /// Device-to-device copy between buffers of equal length.
    pub(crate) fn copy_into(&self, src: &DeviceMem, dst: &DeviceMem) -> Result<(), CudaError> {
        debug_assert_eq!(src.len(), dst.len());
        if src.len() == 0 {
            return Ok(());
        }
        self.bind()?;
        // SAFETY: both buffers are live and hold len f64 each.
        check(|| "cuMemcpyDtoD".into(), unsafe {
            drv::cuMemcpyDtoD_v2(dst.ptr(), src.ptr(), src.len() * 8)
        })
    }

    /// Copies a buffer to the host (waits for the work that writes it).
    pub(crate) fn download(&self, src: &DeviceMem) -> Result<Vec<f64>, CudaError> {
        let mut out = vec![0.0; src.len()];
        if !out.is_empty() {
            self.synchronize()?;
            src.buffer()
                .copy_to(&mut out[..])
                .map_err(|e| from_cust("cuMemcpyDtoH", e))?;
        }
        Ok(out)
    }

    fn release(&self, buf: DeviceBuffer<f64>) {
        lock(&self.pool).entry(buf.len()).or_default().push(buf);
    }

    fn empty_cache(&self) {
        let freed: Vec<DeviceBuffer<f64>> = lock(&self.pool).drain().flat_map(|(_, v)| v).collect();
        if self.bind().is_ok() {
            drop(freed);
        } else {
            // Without the context the buffers cannot be freed; keep them
            // rather than let cust free them in the wrong context.
            std::mem::forget(freed);
        }
    }
}

/// A device buffer of f64 owned by a tensor; returned to its device's cache
/// when dropped.
pub(crate) struct DeviceMem {
    buf: Option<DeviceBuffer<f64>>,
    rt: Arc<Runtime>,
}

impl DeviceMem {
    fn buffer(&self) -> &DeviceBuffer<f64> {
        self.buf.as_ref().expect("buffer present until drop")
    }

    fn buffer_mut(&mut self) -> &mut DeviceBuffer<f64> {
        self.buf.as_mut().expect("buffer present until drop")
    }

    /// The device address (0 for an empty buffer).
    pub(crate) fn ptr(&self) -> u64 {
        self.buffer().as_device_ptr().as_raw()
    }

    /// The kernel argument for this buffer.
    pub(crate) fn arg(&self) -> Arg {
        Arg::Ptr(self.ptr())
    }

    /// Elements.
    pub(crate) fn len(&self) -> usize {
        self.buffer().len()
    }

    /// The runtime that owns the buffer.
    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.rt
    }
}

impl Drop for DeviceMem {
    fn drop(&mut self) {
        if let Some(buf) = self.buf.take() {
            self.rt.release(buf);
        }
    }
}

/// Times work on a device with CUDA events (GPU time between `start` and
/// `stop`, not host time).
pub struct GpuTimer {
    rt: Arc<Runtime>,
    start: drv::CUevent,
    stop: drv::CUevent,
}

impl GpuTimer {
    /// Two events on `device`.
    pub fn new(device: Device) -> Result<GpuTimer, CudaError> {
        let rt = runtime(device)?;
        rt.bind()?;
        let mut start: drv::CUevent = std::ptr::null_mut();
        let mut stop: drv::CUevent = std::ptr::null_mut();
        // SAFETY: out-pointers to locals; results checked.
        unsafe {
            check(|| "cuEventCreate".into(), drv::cuEventCreate(&mut start, 0))?;
            if let Err(e) = check(|| "cuEventCreate".into(), drv::cuEventCreate(&mut stop, 0)) {
                drv::cuEventDestroy_v2(start);
                return Err(e);
            }
        }
        Ok(GpuTimer { rt, start, stop })
    }

    /// Records the start event on the backend's stream.
    pub fn start(&self) -> Result<(), CudaError> {
        self.rt.bind()?;
        // SAFETY: live event of the bound context; null = the legacy stream.
        check(|| "cuEventRecord".into(), unsafe {
            drv::cuEventRecord(self.start, std::ptr::null_mut())
        })
    }

    /// Records the stop event, waits for it and returns the milliseconds
    /// between the two events.
    pub fn stop(&self) -> Result<f64, CudaError> {
        self.rt.bind()?;
        let mut ms = 0f32;
        // SAFETY: live events of the bound context; out-pointer to a local.
        unsafe {
            check(
                || "cuEventRecord".into(),
                drv::cuEventRecord(self.stop, std::ptr::null_mut()),
            )?;
            check(
                || "cuEventSynchronize".into(),
                drv::cuEventSynchronize(self.stop),
            )?;
            check(
                || "cuEventElapsedTime".into(),
                drv::cuEventElapsedTime(&mut ms, self.start, self.stop),
            )?;
        }
        Ok(ms as f64)
    }
}

impl Drop for GpuTimer {
    fn drop(&mut self) {
        if self.rt.bind().is_ok() {
            // SAFETY: events created in `new`, destroyed once.
            unsafe {
                drv::cuEventDestroy_v2(self.start);
                drv::cuEventDestroy_v2(self.stop);
            }
        }
    }
}

/// Loads PTX, with the JIT compiler's error log in the error when it fails.
fn load_module(ptx: &str) -> Result<drv::CUmodule, CudaError> {
    let image = CString::new(ptx).expect("PTX has no NUL");
    let mut log = vec![0u8; 16 * 1024];
    let mut options = [
        drv::CUjit_option::CU_JIT_ERROR_LOG_BUFFER,
        drv::CUjit_option::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
    ];
    let mut values = [log.as_mut_ptr() as *mut c_void, log.len() as *mut c_void];
    let mut module: drv::CUmodule = std::ptr::null_mut();
    // SAFETY: the image is NUL-terminated PTX; the option values are the log
    // buffer and its size, as cuModuleLoadDataEx documents.
    let result = unsafe {
        drv::cuModuleLoadDataEx(
            &mut module,
            image.as_ptr() as *const c_void,
            options.len() as u32,
            options.as_mut_ptr(),
            values.as_mut_ptr(),
        )
    };
    let code = result as u32;
    if code != 0 {
        let (name, message) = describe(code);
        let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
        return Err(CudaError::ModuleLoad {
            code,
            name,
            message,
            log: String::from_utf8_lossy(&log[..end]).trim().to_string(),
        });
    }
    Ok(module)
}
