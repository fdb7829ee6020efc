import { createContext, useCallback, useContext, useEffect, useId, useRef, type ReactNode } from 'react';
import { useBlocker, useLocation } from 'react-router';
import { Button } from './ui';

/** Reports whether one form (by its id) holds edits that are not saved yet. */
const ReportContext = createContext<(id: string, dirty: boolean) => void>(() => {});

/**
 * Guards unsaved edits (mappings, schedules) on the pages below: leaving for another page inside the app asks first
 * (React Router's useBlocker: one blocker for the whole app, as the router supports only one), and closing or
 * reloading the tab makes the browser ask (beforeunload). Forms report their state with useUnsavedChanges.
 */
export function UnsavedChangesGuard({ children }: { children: ReactNode }) {
  // Read when someone navigates or unloads, never rendered: a ref, so a report needs no re-render to count.
  const dirtyForms = useRef(new Set<string>());
  const report = useCallback((id: string, dirty: boolean) => {
    if (dirty) dirtyForms.current.add(id);
    else dirtyForms.current.delete(id);
  }, []);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirtyForms.current.size > 0 && (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  // A page that is left takes its forms' edits with it (a freshly shown form is never dirty), whatever order the
  // unmounting forms report in.
  const location = useLocation();
  useEffect(() => {
    dirtyForms.current.clear();
  }, [location.pathname, location.search]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (dirtyForms.current.size > 0) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  return (
    <ReportContext.Provider value={report}>
      {children}
      {blocker.state === 'blocked' && (
        <dialog
          // Mounted for each blocked navigation, opened as a modal at once (focus inside, the page inert).
          ref={(dialog) => {
            if (dialog && !dialog.open) dialog.showModal();
          }}
          aria-labelledby="unsaved-title"
          aria-describedby="unsaved-desc"
          data-unsaved-dialog
          onCancel={() => blocker.reset?.()}
          className="m-auto w-full max-w-md rounded-lg bg-white p-5 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
        >
          <h2 id="unsaved-title" className="text-base font-semibold text-slate-900">
            Leave without saving?
          </h2>
          <p id="unsaved-desc" className="mt-2 text-sm text-slate-600">
            You have changes on this page that are not saved. If you leave now, they are lost.
          </p>
          <div className="mt-5 flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => blocker.reset?.()} autoFocus>
              Stay on this page
            </Button>
            <Button
              type="button"
              variant="danger"
              onClick={() => {
                // Forgotten at once: the leaving page's forms report only in effects after the next paint, and closing
                // the tab in between must not ask again about edits the person just chose to drop.
                dirtyForms.current.clear();
                blocker.proceed?.();
              }}
            >
              Leave without saving
            </Button>
          </div>
        </dialog>
      )}
    </ReportContext.Provider>
  );
}

/** Tells the guard whether this form has unsaved edits (until it unmounts). */
export function useUnsavedChanges(dirty: boolean) {
  const id = useId();
  const report = useContext(ReportContext);
  useEffect(() => {
    report(id, dirty);
    return () => report(id, false);
  }, [id, dirty, report]);
}
