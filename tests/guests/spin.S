/* A hostile real-mode guest: it turns interrupts off and spins forever.
 * It must cost the host nothing but its own vCPU's time: the host's timer
 * still preempts it (the guest's IF masks only virtual interrupts). */
    .code16
    .text
start:
    cli
1:  jmp     1b

    .code64
    .section .note.GNU-stack, "", @progbits
