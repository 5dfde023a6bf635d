/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest CPU calibration before each section (calib.c).
 */
#ifndef UIO_SVA_BENCH_CALIB_H
#define UIO_SVA_BENCH_CALIB_H

/*
 * Time a fixed CPU-only loop (no memory traffic, no device, no syscall)
 * before the section @name runs. Under TCG its wall time is the vCPU's
 * share of a host CPU: when it is CALIB_SLOW times the fastest seen so far
 * the host is busy, and it waits (CALIB_WAIT_S seconds, up to CALIB_TRIES
 * times) for the loop to come back to speed before the section starts.
 * Prints "BENCHINFO,calib,NAME MEDIAN_US FASTEST_US WAITS"; report.py
 * marks a section whose final median stayed slow as disturbed.
 */
void calib_before(const char *name);

#endif
