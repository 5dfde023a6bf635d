// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * irq.c - UIO interrupts: write() an s32 1/0 to unmask/mask (irqcontrol),
 * poll() and read() the s32 event count to wait.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int irq_control(struct uiosva_dev *dev, int32_t on)
{
	ssize_t n;

	uiosva__clear(&dev->err);
	do
		n = write(dev->fd, &on, sizeof(on));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(on))
		return 0;
	if (n >= 0)
		errno = EIO;
	if (errno == EIO)
		return uiosva__fail(&dev->err, UIOSVA_ERR_NO_IRQ, EIO,
				    dev->dev_path, "write %s: %s: the device "
				    "has no interrupt", dev->dev_path,
				    strerror(EIO));
	return uiosva__sysfail(&dev->err, errno, "write", dev->dev_path);
}

int uiosva_irq_unmask(struct uiosva_dev *dev)
{
	return irq_control(dev, 1);
}

int uiosva_irq_mask(struct uiosva_dev *dev)
{
	return irq_control(dev, 0);
}

int uiosva_irq_wait(struct uiosva_dev *dev, int timeout_ms, uint32_t *count)
{
	struct pollfd pfd = { .fd = dev->fd, .events = POLLIN };
	int32_t v;
	ssize_t n;
	int r;

	uiosva__clear(&dev->err);
	r = poll(&pfd, 1, timeout_ms < 0 ? -1 : timeout_ms);
	if (r < 0)
		return uiosva__sysfail(&dev->err, errno, "poll",
				       dev->dev_path);
	if (r == 0)
		return uiosva__fail(&dev->err, UIOSVA_ERR_TIMEOUT, ETIMEDOUT,
				    dev->dev_path, "no interrupt from %s "
				    "within %d ms", dev->dev_path,
				    timeout_ms);
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL) &&
	    !(pfd.revents & POLLIN))
		return uiosva__fail(&dev->err, UIOSVA_ERR_SYS, EIO,
				    dev->dev_path, "poll %s: device error or "
				    "gone (revents 0x%x)", dev->dev_path,
				    (unsigned int)pfd.revents);
	n = read(dev->fd, &v, sizeof(v));
	if (n < 0)
		return uiosva__sysfail(&dev->err, errno, "read",
				       dev->dev_path);
	if (n != (ssize_t)sizeof(v))
		return uiosva__fail(&dev->err, UIOSVA_ERR_SYS, EIO,
				    dev->dev_path, "read %s: short read of "
				    "%zd bytes", dev->dev_path, n);
	if (count)
		*count = (uint32_t)v;
	return 0;
}
