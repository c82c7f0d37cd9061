module.exports = 'boxed: read through libuv with UV_USE_IO_URING=1';
