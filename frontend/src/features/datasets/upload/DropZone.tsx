import { useRef, useState, type DragEvent, type ReactNode } from 'react';

/** Wraps an area that accepts dropped files, showing a hint while files are dragged over it. */
export function DropZone({ onFiles, children, disabled }: { onFiles: (files: File[]) => void; children: ReactNode; disabled?: boolean }) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (event: DragEvent) => !disabled && event.dataTransfer.types.includes('Files');

  return (
    <div
      className={over ? 'drop-zone over' : 'drop-zone'}
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setOver(false);
        onFiles([...event.dataTransfer.files]);
      }}
    >
      {children}
      {over ? (
        <div className="drop-hint" aria-hidden="true">
          Drop images to upload them
        </div>
      ) : null}
    </div>
  );
}
